package io.github.failover4j.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an ejected token is probed: a cheap chat completion sent every {@code period}; the token
 * is restored after {@code successThreshold} consecutive passing probes.
 *
 * @param period the interval between probes of one token (first probe one period after the
 *     ejection, with up to 10% jitter)
 * @param timeout how long one probe may take; longer counts as a failed probe
 * @param successThreshold consecutive passing probes that restore the token, at least 1
 * @param content the probe prompt
 * @param model the model named in the probe request
 * @param path the request path appended to the pool's base URI, e.g. {@code
 *     /v1/chat/completions}
 * @param conditions a probe passes when any of them matches; not empty
 */
public record HealthCheck(
    Duration period,
    Duration timeout,
    int successThreshold,
    String content,
    String model,
    String path,
    List<Condition> conditions) {

  /** The default probe prompt, from the seed design. */
  public static final String DEFAULT_CONTENT = "你是谁?";

  /** The default probe path, OpenAI's chat completions. */
  public static final String DEFAULT_PATH = "/v1/chat/completions";

  /** Checks every field. */
  public HealthCheck {
    requirePositive(period, "period");
    requirePositive(timeout, "timeout");
    if (successThreshold < 1 || successThreshold > FailoverConfig.MAX_THRESHOLD) {
      throw new IllegalArgumentException("successThreshold: " + successThreshold
          + " is not between 1 and " + FailoverConfig.MAX_THRESHOLD);
    }
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(path, "path");
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("conditions: the list is empty");
    }
  }

  /**
   * A health check with the defaults of the seed: every 10 s, 5 s timeout, one pass restores,
   * prompt {@value #DEFAULT_CONTENT}, path {@value #DEFAULT_PATH}, passes on status 200.
   */
  public static HealthCheck of(String model) {
    return new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(5), 1, DEFAULT_CONTENT,
        model, DEFAULT_PATH, List.of(Condition.status(200)));
  }

  static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " is not positive");
    }
  }
}
