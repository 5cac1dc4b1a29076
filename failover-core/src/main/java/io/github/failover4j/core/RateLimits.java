package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads how long a provider asks a token to wait from its response headers. Understands, for
 * any header a {@link CooldownRule} names: delta-seconds ({@code 30}, {@code 1.5}), Go-style
 * durations as OpenAI sends them ({@code 6m0s}, {@code 1.5s}, {@code 20ms}, {@code 1h2m}),
 * RFC 3339 instants as Anthropic sends them, and HTTP dates ({@code Retry-After}). Instants are
 * measured from the response's own {@code Date} header when it has one, else from the host's
 * wall clock. Anything else, and any wait that is not in the future, is skipped: a malformed
 * header never fails a request.
 */
final class RateLimits {
  private RateLimits() {}

  /** The cooldown in nanoseconds: the first readable header, else the rule's default; capped. */
  static long cooldownNanos(CooldownRule rule, ResponseView response, Clock wall) {
    long max = rule.max().toNanos();
    for (String name : rule.fromHeaders()) {
      String value = response.header(name);
      if (value != null) {
        long nanos = waitNanos(value.trim(), response, wall);
        if (nanos > 0) {
          return Math.min(nanos, max);
        }
      }
    }
    return Math.min(rule.defaultDuration().toNanos(), max);
  }

  /** The wait a header value asks for, or -1 when it is unreadable. */
  static long waitNanos(String value, ResponseView response, Clock wall) {
    if (value.isEmpty()) {
      return -1;
    }
    long seconds = decimalSecondsNanos(value);
    if (seconds >= 0) {
      return seconds;
    }
    long duration = goDurationNanos(value);
    if (duration >= 0) {
      return duration;
    }
    Instant at = instant(value);
    if (at == null) {
      return -1;
    }
    Instant now = now(response, wall);
    long millis = at.toEpochMilli() - now.toEpochMilli();
    return millis > 0 ? millis * 1_000_000L : -1;
  }

  private static Instant now(ResponseView response, Clock wall) {
    String date = response.header("date");
    Instant served = date == null ? null : instant(date.trim());
    return served != null ? served : wall.instant();
  }

  private static Instant instant(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException notRfc3339) {
      try {
        return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException notHttpDate) {
        return null;
      }
    }
  }

  /** {@code 30} or {@code 1.5} seconds, or -1. */
  static long decimalSecondsNanos(String value) {
    if (!value.matches("\\d{1,9}(\\.\\d{1,9})?")) {
      return -1;
    }
    return new java.math.BigDecimal(value).movePointRight(9).longValue();
  }

  /** A Go duration such as {@code 1h2m3.5s}, {@code 6m0s} or {@code 20ms}, or -1. */
  static long goDurationNanos(String value) {
    long total = 0;
    int i = 0;
    int n = value.length();
    if (n == 0) {
      return -1;
    }
    while (i < n) {
      int start = i;
      while (i < n && (Character.isDigit(value.charAt(i)) || value.charAt(i) == '.')) {
        i++;
      }
      if (start == i || i - start > 18) {
        return -1;
      }
      java.math.BigDecimal number;
      try {
        number = new java.math.BigDecimal(value.substring(start, i));
      } catch (NumberFormatException e) {
        return -1;
      }
      int unitStart = i;
      while (i < n && Character.isLetter(value.charAt(i))) {
        i++;
      }
      long unit = switch (value.substring(unitStart, i)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        case "ns" -> 1L;
        default -> -1;
      };
      if (unit < 0) {
        return -1;
      }
      total += number.multiply(java.math.BigDecimal.valueOf(unit)).longValue();
    }
    return total;
  }
}
