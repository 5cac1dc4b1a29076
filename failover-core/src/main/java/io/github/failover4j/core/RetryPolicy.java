package io.github.failover4j.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Retry on another token (SPEC §5): a request whose response is a failure (or, when enabled,
 * a transport error) is sent again with a token it has not tried yet, when its body can be
 * replayed and nothing has reached the client.
 *
 * <p>Waiting between attempts on the same pool (used by {@link FallbackPlan}): {@code
 * backoffInitial}/{@code backoffMax} space the retries, the n-th retry waiting {@code
 * min(backoffMax, backoffInitial × 2^(n-1))} less up to half of it as jitter; {@code
 * honorRetryAfter} waits for a failure's {@code Retry-After}, up to that long. The longer of
 * the two wins, and no wait ever runs past the request's budget.
 *
 * @param maxRetries retries after the first attempt, at least 1
 * @param retryOnStatus retry when the status is one of these; empty means "retry whenever the
 *     failure rules say {@code FAILURE}"
 * @param timeout the overall budget of one request across all attempts, or {@code null} for
 *     none
 * @param onTransportError whether a transport error (refused, reset, timeout) is retried
 * @param backoffInitial the wait before the first retry, zero or more; {@code null} for no
 *     back-off
 * @param backoffMax the longest back-off wait, at least {@code backoffInitial}; {@code null}
 *     exactly when {@code backoffInitial} is
 * @param honorRetryAfter the longest {@code Retry-After} waited for before a retry; {@code
 *     null} to ignore {@code Retry-After}
 */
public record RetryPolicy(
    int maxRetries, Set<Integer> retryOnStatus, Duration timeout, boolean onTransportError,
    Duration backoffInitial, Duration backoffMax, Duration honorRetryAfter) {

  /** Checks the values. */
  public RetryPolicy {
    if (maxRetries < 1 || maxRetries > 64) {
      throw new IllegalArgumentException("maxRetries: " + maxRetries + " is not between 1 and 64");
    }
    retryOnStatus = Set.copyOf(new TreeSet<>(retryOnStatus));
    if (timeout != null) {
      HealthCheck.requirePositive(timeout, "timeout");
    }
    if ((backoffInitial == null) != (backoffMax == null)) {
      throw new IllegalArgumentException("backoff: give both initial and max, or neither");
    }
    if (backoffInitial != null) {
      if (backoffInitial.isNegative()) {
        throw new IllegalArgumentException("backoff.initial: " + backoffInitial
            + " is negative");
      }
      HealthCheck.requirePositive(backoffMax, "backoff.max");
      if (backoffMax.compareTo(backoffInitial) < 0) {
        throw new IllegalArgumentException("backoff.max: " + backoffMax
            + " is shorter than backoff.initial " + backoffInitial);
      }
    }
    if (honorRetryAfter != null) {
      HealthCheck.requirePositive(honorRetryAfter, "honorRetryAfter");
    }
  }

  /** A policy without waits between attempts. */
  public RetryPolicy(
      int maxRetries, Set<Integer> retryOnStatus, Duration timeout, boolean onTransportError) {
    this(maxRetries, retryOnStatus, timeout, onTransportError, null, null, null);
  }

  /** Retries up to {@code maxRetries} times on failures and transport errors, no overall timeout. */
  public static RetryPolicy of(int maxRetries) {
    return new RetryPolicy(maxRetries, Set.of(), null, true);
  }

  /** A builder starting from {@link #of(int) of(maxRetries)}. */
  public static Builder builder(int maxRetries) {
    return new Builder(maxRetries);
  }

  /**
   * Whether a response with this verdict and status calls for another attempt on this pool.
   * Never for {@link Action#FALLBACK}: that goes to the next target of a route, not to another
   * token.
   */
  public boolean retries(Verdict verdict, int status) {
    return switch (verdict.outcome()) {
      case FAILURE -> verdict.action() != Action.FALLBACK
          && (retryOnStatus.isEmpty() || retryOnStatus.contains(status));
      case TRANSPORT_ERROR -> onTransportError;
      case SUCCESS -> !retryOnStatus.isEmpty() && retryOnStatus.contains(status);
      case IGNORED -> false; // the request caused it: another token would fail the same way
    };
  }

  /**
   * The back-off before retry {@code n} (1 for the first retry) in nanoseconds, before jitter:
   * {@code min(backoffMax, backoffInitial × 2^(n-1))}; 0 without back-off.
   */
  long backoffNanos(int n) {
    if (backoffInitial == null || backoffInitial.isZero()) {
      return 0;
    }
    long initial = backoffInitial.toNanos();
    long cap = backoffMax.toNanos();
    int shift = Math.max(0, n - 1);
    return shift >= Long.numberOfLeadingZeros(initial) - 1 ? cap
        : Math.min(cap, initial << shift);
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private final int maxRetries;
    private Set<Integer> retryOnStatus = Set.of();
    private Duration timeout;
    private boolean onTransportError = true;
    private Duration backoffInitial;
    private Duration backoffMax;
    private Duration honorRetryAfter;

    private Builder(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    /** Retry only on these statuses; default: on every failure. */
    public Builder retryOnStatus(Set<Integer> statuses) {
      this.retryOnStatus = Objects.requireNonNull(statuses, "statuses");
      return this;
    }

    /** The overall budget of one request; default none. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Whether transport errors are retried; default true. */
    public Builder onTransportError(boolean retry) {
      this.onTransportError = retry;
      return this;
    }

    /** Exponential back-off between retries, from {@code initial} up to {@code max}. */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = Objects.requireNonNull(initial, "initial");
      this.backoffMax = Objects.requireNonNull(max, "max");
      return this;
    }

    /** Wait for a failure's {@code Retry-After}, up to {@code max}; default: ignore it. */
    public Builder honorRetryAfter(Duration max) {
      this.honorRetryAfter = max;
      return this;
    }

    /** Builds the policy; throws {@link IllegalArgumentException} on a bad value. */
    public RetryPolicy build() {
      return new RetryPolicy(maxRetries, retryOnStatus, timeout, onTransportError,
          backoffInitial, backoffMax, honorRetryAfter);
    }
  }
}
