package io.github.failover4j.core;

/**
 * What a matching failure condition does to the token (SPEC §6). The first condition that
 * matches a response wins, in the order the conditions are listed; put the narrow ones
 * ({@code ignore} for a context-length error, {@code eject} for an invalid key) before broad
 * ones.
 */
public enum Action {
  /** Counts toward {@code failureThreshold}; the default. */
  COUNT,
  /** Ejects the token at once, e.g. on {@code 401}/{@code 402}: the key itself is bad. */
  EJECT,
  /**
   * Ejects the token until a deadline read from the response (e.g. {@code Retry-After}) or a
   * fixed duration, then restores it without a probe: a rate limit, not a dead key.
   */
  COOLDOWN,
  /**
   * Neither failure nor success: a request-caused error such as {@code 400}, {@code 404} or
   * {@code 413} never moves the counters.
   */
  IGNORE,
  /**
   * A failure of the request, not of the token: it goes to the next target of a route at once
   * (SPEC §9), with no retry on another token of the same target, and never counts against the
   * token. E.g. {@code 400} with {@code context_length_exceeded}: a model with a larger window
   * may take it. Without a route (a lone pool) the response goes to the client, as there is
   * nowhere else to send it.
   */
  FALLBACK
}
