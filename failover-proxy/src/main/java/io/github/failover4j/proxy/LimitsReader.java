package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the gateway file's top-level {@code limits:}. Sizes are a number of bytes or a
 * string with a unit: {@code 512KiB}, {@code 8MiB}, {@code 1GiB} (also {@code KB}, {@code
 * MB}, {@code GB}, powers of 1000, and {@code B}).
 */
final class LimitsReader {
  static final List<String> KEYS = List.of("retryBufferBytes", "retryBodyBytes",
      "upstreamHeadBytes", "upstreamIdlePerLoop", "upstreamIdleTimeout",
      "upstreamMaxPerProvider");
  private static final Map<String, Long> UNITS = Map.of("b", 1L, "kib", 1L << 10,
      "mib", 1L << 20, "gib", 1L << 30, "kb", 1_000L, "mb", 1_000_000L, "gb", 1_000_000_000L);
  private static final String EXAMPLES = "e.g. 65536, 64KiB, 8MiB or 1GiB";

  private LimitsReader() {}

  /**
   * Reads this reader's keys from the {@code limits} map's fields (the caller rejects unknown
   * keys, since {@link ClientLimits} shares the map), each defaulted; null when a problem was
   * reported.
   */
  static Limits read(Fields f) {
    Node first = f.get("retryBufferBytes");
    int before = first.problemsSoFar();
    Long buffer = size(f.get("retryBufferBytes"), Limits.DEFAULT.retryBufferBytes(), 0,
        Long.MAX_VALUE);
    Long body = size(f.get("retryBodyBytes"), Limits.DEFAULT.retryBodyBytes(), 0,
        Integer.MAX_VALUE);
    Long head = size(f.get("upstreamHeadBytes"), Limits.DEFAULT.upstreamHeadBytes(), 1024,
        16 << 20);
    Node idleNode = f.get("upstreamIdlePerLoop");
    Integer idle = Limits.DEFAULT.upstreamIdlePerLoop();
    if (idleNode.present()) {
      idle = idleNode.integer(0, 1_000_000);
    }
    Node timeoutNode = f.get("upstreamIdleTimeout");
    Duration timeout = Limits.DEFAULT.upstreamIdleTimeout();
    if (timeoutNode.present()) {
      timeout = timeoutNode.duration(null); // reports "off", 0s and no unit itself
    }
    Node maxNode = f.get("upstreamMaxPerProvider");
    Integer max = Limits.DEFAULT.upstreamMaxPerProvider();
    if (maxNode.present()) {
      max = maxNode.integer(0, 1_000_000); // 0: no limit
    }
    if (first.problemsSoFar() != before || buffer == null || body == null || head == null
        || idle == null || timeout == null || max == null) {
      return null;
    }
    return new Limits(buffer, body.intValue(), head.intValue(), idle, timeout, max);
  }

  /** A size in {@code [min, max]} bytes, the default when absent, null when reported. */
  static Long size(Node node, long otherwise, long min, long max) {
    if (!node.present()) {
      return otherwise;
    }
    Long bytes = parse(node.value());
    if (bytes == null) {
      node.invalid("is not a size; " + EXAMPLES);
      return null;
    }
    if (bytes < min || bytes > max) {
      node.invalid("is not between " + min + " and " + max + " bytes");
      return null;
    }
    return bytes;
  }

  private static Long parse(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (!(value instanceof String s)) {
      return null;
    }
    String t = s.strip().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
      i++;
    }
    Long unit = UNITS.get(t.substring(i).strip());
    if (i == 0 || unit == null) {
      return null;
    }
    try {
      BigDecimal bytes = new BigDecimal(t.substring(0, i)).multiply(BigDecimal.valueOf(unit));
      return bytes.stripTrailingZeros().scale() > 0 ? null : bytes.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
