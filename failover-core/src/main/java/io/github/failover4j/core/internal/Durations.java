package io.github.failover4j.core.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Parses Go-style durations: a sequence of decimal numbers, each with a unit, e.g. {@code
 * 500ms}, {@code 10s}, {@code 1.5s}, {@code 1m30s}. Units: {@code ns}, {@code us} (or
 * {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}. Only positive durations are
 * accepted.
 */
public final class Durations {
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
      "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  public static final String EXAMPLES = "e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s";

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with the reason (without the text), e.g. {@code is
   *     negative}, ready to follow the rendered value in a problem line
   */
  public static Duration parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("is empty; give a duration, " + EXAMPLES);
    }
    int i = 0;
    boolean negative = s.charAt(0) == '-';
    if (negative || s.charAt(0) == '+') {
      i++;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    if (i == s.length()) {
      throw notADuration();
    }
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      nanos = nanos.add(number(number).multiply(BigDecimal.valueOf(nanosPer(unit, s))));
    }
    BigInteger whole = nanos.setScale(0, RoundingMode.DOWN).toBigInteger();
    if (negative && whole.signum() > 0) {
      throw new IllegalArgumentException("is negative; give a positive duration");
    }
    if (whole.signum() == 0) {
      throw new IllegalArgumentException("is not positive; give a duration above zero");
    }
    if (whole.bitLength() >= Long.SIZE) {
      throw new IllegalArgumentException("is too long; the longest is "
          + Long.MAX_VALUE / NANOS_PER_UNIT.get("h") + "h");
    }
    return Duration.ofNanos(whole.longValueExact());
  }

  /** {@code amount} of {@code unitSuffix} (e.g. 10 and "s"), checked like {@link #parse}. */
  public static Duration of(Number amount, String unitSuffix) {
    if ((amount instanceof Double || amount instanceof Float)
        && !Double.isFinite(amount.doubleValue())) {
      throw notADuration();
    }
    String digits = amount instanceof BigDecimal d ? d.toPlainString()
        : amount instanceof Double || amount instanceof Float
            ? BigDecimal.valueOf(amount.doubleValue()).toPlainString()
            : amount.toString();
    return parse(digits + unitSuffix);
  }

  /**
   * The duration written the way {@link #parse} reads it, for messages: {@code 30s}, {@code
   * 1h}, {@code 1m30s}, {@code 1s500ms}.
   */
  public static String format(Duration d) {
    long[] amounts = {d.toHours(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart(),
        d.toNanosPart() % 1_000_000};
    String[] units = {"h", "m", "s", "ms", "ns"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        sb.append(amounts[i]).append(units[i]);
      }
    }
    return sb.length() == 0 ? "0s" : sb.toString();
  }

  private static BigDecimal number(String number) {
    if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
      throw notADuration();
    }
    return new BigDecimal(number.startsWith(".") ? "0" + number : number);
  }

  private static long nanosPer(String unit, String whole) {
    if (unit.isEmpty()) {
      throw new IllegalArgumentException("has no unit; write e.g. " + whole + "s or "
          + whole + "ms");
    }
    Long nanos = NANOS_PER_UNIT.get(unit);
    if (nanos == null) {
      throw new IllegalArgumentException("has an unknown unit " + Render.quote(unit)
          + "; use ms, s, m or h, " + EXAMPLES);
    }
    return nanos;
  }

  private static IllegalArgumentException notADuration() {
    return new IllegalArgumentException("is not a duration; " + EXAMPLES);
  }
}
