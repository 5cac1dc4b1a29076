package io.github.failover4j.core;

/** What {@link TokenPool#select()} does when no token is healthy (SPEC §4.7). */
public enum WhenAllEjected {
  /**
   * Selection fails with {@link NoHealthyTokenException}, which carries the earliest time a
   * token may return; a gateway answers {@code 503} with {@code Retry-After}. The default.
   */
  FAIL,
  /** Panic mode, as in Envoy: select among every token that is not disabled. */
  USE_ALL,
  /** Select the ejected token that was ejected longest ago. */
  LEAST_RECENTLY_EJECTED
}
