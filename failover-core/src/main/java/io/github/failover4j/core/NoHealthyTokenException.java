package io.github.failover4j.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by {@link TokenPool#select()} when no token can be used and the pool's policy is
 * {@link WhenAllEjected#FAIL}. Carries the earliest time a token may return, which a gateway
 * turns into {@code 503} with a {@code Retry-After} header.
 */
public final class NoHealthyTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String pool;
  private final transient Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param pool the pool's name
   * @param retryAfter when a token may return at the earliest, or {@code null} when no return
   *     is scheduled (no health check and no cooldown, or every token disabled)
   */
  public NoHealthyTokenException(String pool, Duration retryAfter) {
    super("no healthy token in pool '" + pool + "'"
        + (retryAfter == null ? "; none is scheduled to return"
            : "; the earliest may return in " + retryAfter.toMillis() + " ms"));
    this.pool = pool;
    this.retryAfter = retryAfter;
  }

  /** The pool's name. */
  public String pool() {
    return pool;
  }

  /** How long until a token may return at the earliest; empty when none is scheduled. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Whole seconds for a {@code Retry-After} header, rounded up, at least 1. */
  public long retryAfterSeconds() {
    if (retryAfter == null) {
      return 1;
    }
    long ms = retryAfter.toMillis();
    return Math.max(1, (ms + 999) / 1000);
  }
}
