package io.github.failover4j.core.internal;

import io.github.failover4j.core.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code retryOnFailure}, in the seed's form or Higress's: {@code enabled}, {@code
 * maxRetries}, {@code retryOnStatus} (statuses or anchored status regexes), {@code timeout}
 * (a duration) or {@code retryTimeout} (Higress, milliseconds), {@code onTransportError}.
 */
final class RetryReader {
  private static final List<String> KEYS = List.of("enabled", "maxRetries", "retryOnStatus",
      "timeout", "retryTimeout", "onTransportError");

  static final int DEFAULT_MAX_RETRIES = 2;

  private RetryReader() {}

  /** The policy; null when absent, disabled, or anything was reported. */
  static RetryPolicy read(Node node) {
    if (!node.present()) {
      return null;
    }
    int before = node.problemsSoFar();
    Fields f = node.fields();
    f.rejectUnknown(KEYS);
    Boolean enabled = f.get("enabled").bool();
    Integer maxRetries = f.get("maxRetries")
        .integer(1, 64, "is not between 1 and 64 (set enabled: false for no retries)");
    Set<Integer> statuses = Conditions.statusPatterns(f.get("retryOnStatus"), true);
    Duration timeout = HealthCheckReader.oneOf(f, "retryTimeout", "ms", "timeout", null);
    Boolean onTransportError = f.get("onTransportError").bool();
    if (node.problemsSoFar() != before || Boolean.FALSE.equals(enabled)) {
      return null;
    }
    return new RetryPolicy(maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries, statuses,
        timeout, onTransportError == null || onTransportError);
  }
}
