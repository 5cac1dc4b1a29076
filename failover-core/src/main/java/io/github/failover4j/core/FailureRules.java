package io.github.failover4j.core;

import java.util.List;

/**
 * When a response counts as a failure, and how many consecutive failures eject a token.
 *
 * @param failureThreshold consecutive failures that eject a token, at least 1
 * @param conditions the failure conditions, OR across the list; not empty
 */
public record FailureRules(int failureThreshold, List<Condition> conditions) {

  /**
   * The recommended production rules, used whenever a configuration gives no failure
   * conditions ({@link FailoverConfig#builder()} without {@code conditions}, or a parsed scope
   * without {@code failover.failure}). The first matching condition wins:
   *
   * <ol>
   *   <li>{@code 401}, {@code 402}: the key is invalid or unpaid, so it is ejected at once;
   *   <li>{@code 403} whose body says the key is invalid, revoked, disabled or suspended:
   *       ejected at once;
   *   <li>{@code 429}: rate-limited, so it cools down for as long as the provider's {@code
   *       Retry-After} or {@code x-ratelimit-reset-*} headers say ({@link
   *       CooldownRule#DEFAULT}: 30 s when they say nothing, 1 h at most), then comes back
   *       without a probe;
   *   <li>{@code 400}, {@code 404}, {@code 413}, {@code 422}: the request's fault, never
   *       counted;
   *   <li>a {@code 5xx} whose body says the prompt is too long: the request's fault too;
   *   <li>any other {@code 403}, and {@code 500}, {@code 502}, {@code 503}, {@code 504},
   *       {@code 529}: counted, three in a row eject the key.
   * </ol>
   *
   * <p>A plain {@code 403} is counted rather than ejected, because providers also send it
   * for content policy, region or model access: the request's fault, not the key's. Together
   * with {@link EjectionPolicy#RECOMMENDED} (at most half the pool out on counted failures)
   * this keeps a provider-wide outage from ejecting every key.
   */
  public static final FailureRules RECOMMENDED = new FailureRules(3, List.of(
      Condition.status(401, 402).withAction(Action.EJECT),
      Condition.status(403).withBody("(?i)invalid.api.key|incorrect api key|api key not valid"
          + "|api key.*(revoked|disabled|suspended)").withAction(Action.EJECT),
      Condition.status(429).withAction(Action.COOLDOWN),
      Condition.status(400, 404, 413, 422).withAction(Action.IGNORE),
      Condition.status(500, 502, 503, 504, 529)
          .withBody("context_length_exceeded|maximum context length|prompt is too long")
          .withAction(Action.IGNORE),
      Condition.status(403, 500, 502, 503, 504, 529)));

  /** Checks the threshold and copies the list. */
  public FailureRules {
    if (failureThreshold < 1 || failureThreshold > FailoverConfig.MAX_THRESHOLD) {
      throw new IllegalArgumentException("failureThreshold: " + failureThreshold
          + " is not between 1 and " + FailoverConfig.MAX_THRESHOLD);
    }
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("conditions: the list is empty");
    }
  }
}
