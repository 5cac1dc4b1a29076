package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading cooldowns from rate-limit headers, every format and malformed values. */
class RateLimitsTest {
  private static final Clock WALL =
      Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

  private static long wait(String header, String value) {
    CooldownRule rule = new CooldownRule(List.of(header), Duration.ofSeconds(30),
        Duration.ofHours(2));
    return RateLimits.cooldownNanos(rule, TestResponse.status(429).header(header, value), WALL);
  }

  @ParameterizedTest
  @CsvSource({
    "retry-after, 120, 120000",
    "retry-after, 1.5, 1500",
    "x-ratelimit-reset-requests, 6m0s, 360000",
    "x-ratelimit-reset-tokens, 1.5s, 1500",
    "x-ratelimit-reset-tokens, 20ms, 20",
    "x-ratelimit-reset-requests, 1h2m3s, 3723000",
    "anthropic-ratelimit-requests-reset, 2026-11-27T10:00:42Z, 42000",
    "anthropic-ratelimit-tokens-reset, 2026-11-27T11:00:42+01:00, 42000",
    "retry-after, 'Fri, 27 Nov 2026 10:01:00 GMT', 60000",
  })
  void readsEveryFormat(String header, String value, long millis) {
    assertThat(wait(header, value)).isEqualTo(Duration.ofMillis(millis).toNanos());
  }

  @ParameterizedTest
  @CsvSource({
    "retry-after, soon",
    "retry-after, -5",
    "retry-after, 0",
    "x-ratelimit-reset-requests, 6x",
    "x-ratelimit-reset-requests, m",
    "anthropic-ratelimit-requests-reset, 2026-11-27T09:00:00Z",
    "retry-after, 'Fri, 32 Nov 2026 10:01:00 GMT'",
    "retry-after, ''",
  })
  void malformedOrPastValuesFallBackToTheDefault(String header, String value) {
    assertThat(wait(header, value)).isEqualTo(Duration.ofSeconds(30).toNanos());
  }

  @Test
  void datesAreMeasuredFromTheResponsesOwnDateHeader() {
    CooldownRule rule = CooldownRule.DEFAULT;
    TestResponse r = TestResponse.status(429)
        .header("Date", "Fri, 27 Nov 2026 09:00:00 GMT")
        .header("Retry-After", "Fri, 27 Nov 2026 09:00:10 GMT");
    assertThat(RateLimits.cooldownNanos(rule, r, WALL)).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void firstReadableHeaderWinsAndTheMaxCaps() {
    CooldownRule rule = new CooldownRule(List.of("retry-after", "x-ratelimit-reset-requests"),
        Duration.ofSeconds(30), Duration.ofMinutes(5));
    TestResponse r = TestResponse.status(429).header("retry-after", "garbage")
        .header("x-ratelimit-reset-requests", "2m");
    assertThat(RateLimits.cooldownNanos(rule, r, WALL)).isEqualTo(Duration.ofMinutes(2).toNanos());
    TestResponse huge = TestResponse.status(429).header("retry-after", "999999");
    assertThat(RateLimits.cooldownNanos(rule, huge, WALL))
        .isEqualTo(Duration.ofMinutes(5).toNanos());
  }
}
