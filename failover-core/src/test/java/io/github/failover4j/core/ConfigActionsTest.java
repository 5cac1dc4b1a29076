package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 6: per-condition actions, cooldowns and the ejection policy, as parsed. */
class ConfigActionsTest {

  /** A failover block whose one condition is {@code status_code: 429} plus {@code fields}. */
  static String withCondition(String fields) {
    return "failover:\n  failure:\n    conditions:\n      - {status_code: 429, " + fields + "}\n";
  }

  /** A failover block with {@code fields} beside its failure conditions. */
  static String withFailure(String fields) {
    return "failover:\n  failure: {conditions: [{status_code: 503}], " + fields + "}\n";
  }

  private static Condition onlyCondition(String yaml) {
    List<Condition> conditions = FailoverConfig.parse(yaml).failure().conditions();
    assertThat(conditions).hasSize(1);
    return conditions.get(0);
  }

  @ParameterizedTest
  @CsvSource({"count, COUNT", "eject, EJECT", "cooldown, COOLDOWN", "ignore, IGNORE",
      "fallback, FALLBACK", "FallBack, FALLBACK", "EJECT, EJECT", "Cooldown, COOLDOWN", "' ignore ', IGNORE"})
  void eachActionParsesInAnyCase(String written, Action expected) {
    Condition c = onlyCondition(withCondition("action: \"" + written + "\""));

    assertThat(c.action()).isEqualTo(expected);
    assertThat(c.cooldown())
        .isEqualTo(expected == Action.COOLDOWN ? CooldownRule.DEFAULT : null);
  }

  @Test
  void defaultsAreCountAndTheSeedsEjectionBehaviour() {
    FailoverConfig config = FailoverConfig.parse(withCondition("headers: [x-a]"));

    assertThat(config.failure().conditions())
        .containsExactly(Condition.status(429).withHeader("x-a"));
    assertThat(config.failure().conditions().get(0).action()).isEqualTo(Action.COUNT);
    assertThat(config.ejection()).isEqualTo(EjectionPolicy.DEFAULT);
  }

  @Test
  void cooldownMapWithEveryKey() {
    Condition c = onlyCondition(withCondition("action: cooldown, cooldown: "
        + "{fromHeaders: [Retry-After, X-My-Reset], default: 45s, max: 10m}"));

    assertThat(c).isEqualTo(Condition.status(429).withCooldown(new CooldownRule(
        List.of("retry-after", "x-my-reset"), Duration.ofSeconds(45), Duration.ofMinutes(10))));
  }

  @Test
  void cooldownMapKeysDefaultOneByOne() {
    assertThat(onlyCondition(withCondition("action: cooldown, cooldown: {default: 2m}"))
        .cooldown()).isEqualTo(new CooldownRule(CooldownRule.STANDARD_HEADERS,
            Duration.ofMinutes(2), Duration.ofHours(1)));
    assertThat(onlyCondition(withCondition("action: cooldown, cooldown: {max: 5m}"))
        .cooldown()).isEqualTo(new CooldownRule(CooldownRule.STANDARD_HEADERS,
            Duration.ofSeconds(30), Duration.ofMinutes(5)));
    assertThat(onlyCondition(withCondition(
        "action: cooldown, cooldown: {fromHeaders: retry-after}")).cooldown()).isEqualTo(new CooldownRule(List.of("retry-after"),
            Duration.ofSeconds(30), Duration.ofHours(1)));
    assertThat(onlyCondition(withCondition("action: cooldown, cooldown: {}")).cooldown())
        .isEqualTo(CooldownRule.DEFAULT);
  }

  @Test
  void aBareDurationIsShortForTheDefault() {
    Condition c = onlyCondition(withCondition("action: cooldown, cooldown: 45s"));

    assertThat(c.cooldown()).isEqualTo(new CooldownRule(CooldownRule.STANDARD_HEADERS,
        Duration.ofSeconds(45), Duration.ofHours(1)));
    assertThat(onlyCondition(withCondition("action: cooldown, cooldown: {default: 45s}")))
        .isEqualTo(c);
    assertThat(onlyCondition(withCondition("action: cooldown, cooldown: 1h")).cooldown()
        .defaultDuration()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void ejectionPolicy() {
    assertThat(FailoverConfig.parse(withFailure(
        "maxEjectionPercent: 50, baseEjectionTime: 30s, maxEjectionTime: 10m")).ejection())
        .isEqualTo(new EjectionPolicy(Duration.ofSeconds(30), Duration.ofMinutes(10), 50));
    assertThat(FailoverConfig.parse(withFailure("baseEjectionTime: 30s")).ejection())
        .isEqualTo(new EjectionPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 100));
    assertThat(FailoverConfig.parse(withFailure("baseEjectionTime: 1m, maxEjectionTime: 1m"))
        .ejection().maxEjectionTime()).isEqualTo(Duration.ofMinutes(1));
    assertThat(FailoverConfig.parse(withFailure("maxEjectionPercent: 1")).ejection())
        .isEqualTo(new EjectionPolicy(null, null, 1));
    assertThat(FailoverConfig.parse(withFailure("maxEjectionPercent: 100")).ejection())
        .isEqualTo(EjectionPolicy.DEFAULT);
  }

  @Test
  void everyIssue6KeyTogether() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure:
            failureThreshold: 2
            maxEjectionPercent: 34
            baseEjectionTime: 10s
            maxEjectionTime: 5m
            conditions:
              - status_code: [401]
                action: EJECT
              - status_code: [429]
                headers: ["x-quota"]
                action: cooldown
                cooldown: 2m
              - status_code: [429]
                action: cooldown
                cooldown: {fromHeaders: [x-ratelimit-reset-tokens], default: 1s, max: 90s}
              - status_code: [529]
                action: cooldown
              - body: "context_length_exceeded"
                action: ignore
              - status_code: [500, 503]
                action: count
              - status_code: [502]
          cooldown: 2m
        """);

    assertThat(config).isEqualTo(FailoverConfig.builder()
        .failureThreshold(2)
        .conditions(
            Condition.status(401).withAction(Action.EJECT),
            Condition.status(429).withHeader("x-quota").withCooldown(new CooldownRule(
                CooldownRule.STANDARD_HEADERS, Duration.ofMinutes(2), Duration.ofHours(1))),
            Condition.status(429).withCooldown(new CooldownRule(
                List.of("x-ratelimit-reset-tokens"), Duration.ofSeconds(1),
                Duration.ofSeconds(90))),
            Condition.status(529).withCooldown(CooldownRule.DEFAULT),
            Condition.body("context_length_exceeded").withAction(Action.IGNORE),
            Condition.status(500, 503),
            Condition.status(502))
        .ejection(new EjectionPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5), 34))
        .cooldown(Duration.ofMinutes(2))
        .build());
  }

  @Test
  void jsonEqualsYaml() {
    String yaml = withCondition("action: cooldown, cooldown: {fromHeaders: [retry-after], "
        + "default: 5s, max: 1m}") + "    maxEjectionPercent: 50\n"
        + "    baseEjectionTime: 30s\n";
    String json = """
        {"failover": {"failure": {
          "conditions": [{"status_code": 429, "action": "cooldown",
            "cooldown": {"fromHeaders": ["retry-after"], "default": "5s", "max": "1m"}}],
          "maxEjectionPercent": 50, "baseEjectionTime": "30s"}}}
        """;

    assertThat(FailoverConfig.parse(json)).isEqualTo(FailoverConfig.parse(yaml));
  }

  @Test
  void higressCooldownDurationStillMapsToTheConfigCooldown() {
    FailoverConfig config = FailoverConfig.parse(
        "failover: {enabled: true, failoverOnStatus: [\"429\"], cooldownDuration: 60000}");

    assertThat(config.cooldown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.ejection()).isEqualTo(EjectionPolicy.DEFAULT);
    assertThat(config.failure().conditions()).containsExactly(Condition.status(429));
  }

  // --- the default rules as written out in docs/configuration.md, parsed from the Markdown ---

  private static final Path DOC = Path.of("../docs/configuration.md");

  private static final String DOC_NEEDLE = "maxEjectionPercent: 50";

  @Test
  void theDocumentedDefaultsAreExactlyTheCodesDefaults() throws IOException {
    FailoverConfig config = FailoverConfig.parse(
        Snippets.blockContaining(Files.readString(DOC), "yaml", DOC_NEEDLE));
    assertThat(config.failure()).isEqualTo(FailureRules.RECOMMENDED);
    assertThat(config.ejection()).isEqualTo(EjectionPolicy.RECOMMENDED)
        .isEqualTo(new EjectionPolicy(Duration.ofSeconds(30), Duration.ofMinutes(10), 50));
    assertThat(config.failure().conditions()).extracting(Condition::action).containsExactly(
        Action.EJECT, Action.EJECT, Action.COOLDOWN, Action.IGNORE, Action.IGNORE,
        Action.COUNT);
    assertThat(config.failure().conditions().get(2).cooldown()).isEqualTo(CooldownRule.DEFAULT);
    readmeExampleJudgesAsItSays(config);
    readmeExampleJudgesAsItSays(FailoverConfig.builder().build());
  }

  /** What the documented defaults' comments promise, response by response: first match wins. */
  private static void readmeExampleJudgesAsItSays(FailoverConfig config) {
    TokenPool pool = new PoolFixture(config).pool;
    String authError = "{\"error\": {\"message\": \"Incorrect API key provided: sk-...\"}}";
    String tooLong = "{\"error\": {\"code\": \"context_length_exceeded\"}}";

    assertThat(judge(pool, TestResponse.status(401))).isEqualTo(Action.EJECT);
    assertThat(judge(pool, TestResponse.status(402))).isEqualTo(Action.EJECT);
    assertThat(judge(pool, TestResponse.status(403).body(authError))).isEqualTo(Action.EJECT);
    assertThat(judge(pool, TestResponse.status(403).body("{\"error\": \"unsupported_country\"}")))
        .isEqualTo(Action.COUNT);
    assertThat(judge(pool, TestResponse.status(429).header("Retry-After", "20")))
        .isEqualTo(Action.COOLDOWN);
    for (int status : new int[] {400, 404, 413, 422}) {
      assertThat(judge(pool, TestResponse.status(status))).isEqualTo(Action.IGNORE);
    }
    assertThat(judge(pool, TestResponse.status(500).body(tooLong))).isEqualTo(Action.IGNORE);
    assertThat(judge(pool, TestResponse.status(502).body("bad gateway")))
        .isEqualTo(Action.COUNT);
    assertThat(judge(pool, TestResponse.status(200).body(tooLong))).isNull();
    TestResponse ok = TestResponse.status(200);
    assertThat(judge(pool, ok)).isNull();
    assertThat(ok.bodyReads).as("a success is never buffered").isZero();
  }

  /** The action of the matching condition, or null when the response is a success. */
  private static Action judge(TokenPool pool, TestResponse response) {
    Verdict v = pool.classify(response);
    return v.outcome() == Outcome.SUCCESS ? null : v.action();
  }
}
