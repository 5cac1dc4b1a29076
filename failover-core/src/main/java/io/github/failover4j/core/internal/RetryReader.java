package io.github.failover4j.core.internal;

import io.github.failover4j.core.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code retryOnFailure}, in the seed's form or Higress's: {@code enabled}, {@code
 * maxRetries}, {@code retryOnStatus} (statuses or anchored status regexes), {@code timeout}
 * (a duration) or {@code retryTimeout} (Higress, milliseconds), {@code onTransportError},
 * {@code backoff: {initial, max}} (the wait between attempts; {@code initial} may be {@code
 * 0s}) and {@code honorRetryAfter} (the longest {@code Retry-After} waited for).
 */
final class RetryReader {
  private static final List<String> KEYS = List.of("enabled", "maxRetries", "retryOnStatus",
      "timeout", "retryTimeout", "onTransportError", "backoff", "honorRetryAfter");

  private static final List<String> BACKOFF_KEYS = List.of("initial", "max");

  /** A zero duration as written for {@code backoff.initial}: {@code 0}, {@code 0s}, {@code 0ms}. */
  private static final java.util.regex.Pattern ZERO =
      java.util.regex.Pattern.compile("\\s*\\+?0+(\\.0*)?\\s*(ns|us|µs|ms|s|m|h)?\\s*");

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
    Duration[] backoff = backoff(f.get("backoff"));
    Duration honorRetryAfter = f.get("honorRetryAfter").duration(null);
    if (node.problemsSoFar() != before || Boolean.FALSE.equals(enabled)) {
      return null;
    }
    return new RetryPolicy(maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries, statuses,
        timeout, onTransportError == null || onTransportError, backoff[0], backoff[1],
        honorRetryAfter);
  }

  /** {@code backoff: {initial, max}}: both required, initial may be zero, max ≥ initial. */
  private static Duration[] backoff(Node node) {
    Duration[] none = new Duration[2];
    if (!node.present()) {
      return none;
    }
    Fields f = node.fields();
    f.rejectUnknown(BACKOFF_KEYS);
    Node initialNode = f.get("initial");
    Node maxNode = f.get("max");
    Duration initial = initialNode.require("") ? zeroOrDuration(initialNode) : null;
    Duration max = maxNode.require("") ? maxNode.duration(null) : null;
    if (initial == null || max == null) {
      return none;
    }
    if (max.compareTo(initial) < 0) {
      maxNode.invalid("is shorter than initial " + Durations.format(initial)
          + "; max must be at least initial");
      return none;
    }
    return new Duration[] {initial, max};
  }

  private static Duration zeroOrDuration(Node node) {
    if ((node.value() instanceof String s && ZERO.matcher(s).matches())
        || (node.value() instanceof Number n && n.doubleValue() == 0)) {
      return Duration.ZERO;
    }
    return node.duration(null);
  }
}
