package io.github.failover4j.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How long a {@link Action#COOLDOWN} keeps a token out: the first of {@code fromHeaders} that
 * the response carries with a readable value, else {@code defaultDuration}; never more than
 * {@code max}. Understood header values: {@code Retry-After} as seconds or an HTTP date,
 * OpenAI's {@code x-ratelimit-reset-*} durations such as {@code 6m0s}, {@code 1.5s} or {@code
 * 20ms}, and Anthropic's {@code anthropic-ratelimit-*-reset} RFC 3339 times. A malformed value
 * is skipped, never an error on the request path.
 *
 * @param fromHeaders header names to read, in order of preference (lower-cased)
 * @param defaultDuration the cooldown when no header gives one
 * @param max the longest cooldown any header may ask for
 */
public record CooldownRule(List<String> fromHeaders, Duration defaultDuration, Duration max) {

  /** The headers read when a cooldown names none: the standard and the OpenAI/Anthropic ones. */
  public static final List<String> STANDARD_HEADERS = List.of("retry-after",
      "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
      "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset");

  /** The standard headers, 30 s by default, at most 1 h. */
  public static final CooldownRule DEFAULT = new CooldownRule(STANDARD_HEADERS,
      Duration.ofSeconds(30), Duration.ofHours(1));

  /** Checks the values and lower-cases the header names. */
  public CooldownRule {
    fromHeaders = fromHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    HealthCheck.requirePositive(defaultDuration, "default");
    HealthCheck.requirePositive(max, "max");
    if (defaultDuration.compareTo(max) > 0) {
      throw new IllegalArgumentException("default: " + defaultDuration + " is longer than max "
          + max);
    }
    Objects.requireNonNull(fromHeaders);
  }
}
