package io.github.failover4j.core;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Retry on another token (SPEC §5): a request whose response is a failure (or, when enabled,
 * a transport error) is sent again with a token it has not tried yet, when its body can be
 * replayed and nothing has reached the client.
 *
 * @param maxRetries retries after the first attempt, at least 1
 * @param retryOnStatus retry when the status is one of these; empty means "retry whenever the
 *     failure rules say {@code FAILURE}"
 * @param timeout the overall budget of one request across all attempts, or {@code null} for
 *     none
 * @param onTransportError whether a transport error (refused, reset, timeout) is retried
 */
public record RetryPolicy(
    int maxRetries, Set<Integer> retryOnStatus, Duration timeout, boolean onTransportError) {

  /** Checks the values. */
  public RetryPolicy {
    if (maxRetries < 1 || maxRetries > 64) {
      throw new IllegalArgumentException("maxRetries: " + maxRetries + " is not between 1 and 64");
    }
    retryOnStatus = Set.copyOf(new TreeSet<>(retryOnStatus));
    if (timeout != null) {
      HealthCheck.requirePositive(timeout, "timeout");
    }
  }

  /** Retries up to {@code maxRetries} times on failures and transport errors, no overall timeout. */
  public static RetryPolicy of(int maxRetries) {
    return new RetryPolicy(maxRetries, Set.of(), null, true);
  }

  /** Whether a response with this verdict and status calls for another attempt. */
  public boolean retries(Verdict verdict, int status) {
    return switch (verdict.outcome()) {
      case FAILURE -> retryOnStatus.isEmpty() || retryOnStatus.contains(status);
      case TRANSPORT_ERROR -> onTransportError;
      case SUCCESS -> !retryOnStatus.isEmpty() && retryOnStatus.contains(status);
      case IGNORED -> false; // the request caused it: another token would fail the same way
    };
  }
}
