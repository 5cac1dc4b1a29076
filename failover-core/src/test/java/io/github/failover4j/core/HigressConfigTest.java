package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Higress ai-proxy failover block, mapped onto the same model. */
class HigressConfigTest {

  private static Set<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
  }

  /** The statuses of the one failure condition of a Higress block. */
  private static Set<Integer> failoverOnStatus(String patterns) {
    FailoverConfig config = FailoverConfig.parse(
        "failover: {enabled: true, failoverOnStatus: " + patterns + "}");
    assertThat(config.failure().conditions()).hasSize(1);
    Condition condition = config.failure().conditions().get(0);
    assertThat(condition.headers()).isEmpty();
    assertThat(condition.body()).isNull();
    return condition.statusCodes();
  }

  @Test
  void mapsTheWholeBlock() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          enabled: true
          failureThreshold: 2
          successThreshold: 3
          healthCheckInterval: 3000
          healthCheckTimeout: 1500
          healthCheckModel: gpt-4o-mini
          failoverOnStatus: ["4.*", "503"]
        retryOnFailure:
          enabled: true
          maxRetries: 3
          retryTimeout: 30000
          retryOnStatus: ["5.*"]
        """);

    Set<Integer> statuses = range(400, 499);
    statuses.add(503);
    assertThat(config.failure()).isEqualTo(new FailureRules(2,
        List.of(new Condition(statuses, List.of(), null))));
    assertThat(config.healthCheck()).isEqualTo(new HealthCheck(Duration.ofMillis(3000),
        Duration.ofMillis(1500), 3, HealthCheck.DEFAULT_CONTENT, "gpt-4o-mini",
        HealthCheck.DEFAULT_PATH, List.of(Condition.status(200))));
    assertThat(config.retry()).isEqualTo(
        new RetryPolicy(3, range(500, 599), Duration.ofSeconds(30), true));
    assertThat(config.cooldown()).isNull();
  }

  @Test
  void statusRegexesMatchTheWholeStatus() {
    assertThat(failoverOnStatus("[\"4.*\"]")).isEqualTo(range(400, 499));
    assertThat(failoverOnStatus("[\"429\"]")).containsExactly(429);
    assertThat(failoverOnStatus("[\"5..\"]")).isEqualTo(range(500, 599));
    assertThat(failoverOnStatus("[\"50[234]\", 429]")).containsExactlyInAnyOrder(
        502, 503, 504, 429);
    assertThat(failoverOnStatus("\"5.*\"")).isEqualTo(range(500, 599));
  }

  @Test
  void appliesHigressDefaults() {
    FailoverConfig config = FailoverConfig.parse("failover: {enabled: true}");

    assertThat(config.failure().failureThreshold()).isEqualTo(3);
    assertThat(config.failure().conditions()).containsExactly(
        new Condition(range(400, 599), List.of(), null));
    assertThat(config.healthCheck()).isNull();
    assertThat(config.retry()).isNull();
  }

  @Test
  void healthCheckModelAloneUsesTheDefaults() {
    FailoverConfig config = FailoverConfig.parse("failover: {healthCheckModel: tiny}");

    assertThat(config.healthCheck()).isEqualTo(HealthCheck.of("tiny"));
  }

  @Test
  void cooldownIsInMilliseconds() {
    FailoverConfig config = FailoverConfig.parse("failover: {cooldownDuration: 45000}");

    assertThat(config.healthCheck()).isNull();
    assertThat(config.cooldown()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void aSeedHealthCheckMayStandBesideAHigressBlock() {
    FailoverConfig config = FailoverConfig.parse("""
        failover: {failureThreshold: 1}
        healthCheck: {model: tiny, period: 2s}
        """);

    assertThat(config.healthCheck().period()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.healthCheck().model()).isEqualTo("tiny");
  }

  @Test
  void jsonEqualsYaml() {
    assertThat(FailoverConfig.parse("""
        {"failover": {"enabled": true, "healthCheckModel": "m", "failoverOnStatus": ["429"]},
         "retryOnFailure": {"enabled": true, "maxRetries": 1}}
        """)).isEqualTo(FailoverConfig.parse("""
        failover:
          enabled: true
          healthCheckModel: m
          failoverOnStatus: ["429"]
        retryOnFailure: {enabled: true, maxRetries: 1}
        """));
  }

  @Test
  void enabledFalseIsReported() {
    assertThat(failover("failover: {enabled: false, healthCheckModel: m}")).containsExactly(
        "failover.enabled: false disables failover, which a failover block cannot express; "
            + "remove the failover block to go without failover, or set enabled: true");
  }

  @Test
  void retryOnFailureDisabledIsNoRetry() {
    assertThat(FailoverConfig.parse("""
        failover: {enabled: true}
        retryOnFailure: {enabled: false, maxRetries: 1}
        """).retry()).isNull();
  }

  @Test
  void mixingTheFormatsIsReported() {
    assertThat(failover("""
        failover:
          failureThreshold: 3
          failure: {conditions: [{status_code: 503}]}
        """)).containsExactly("failover: mixes the seed format (failure) with Higress ai-proxy "
            + "keys (failureThreshold); use one format");
  }

  @Test
  void healthCheckKeysWithoutAModelAreReported() {
    assertThat(failover("failover: {healthCheckInterval: 5000, successThreshold: 2}"))
        .containsExactly(
            "failover.successThreshold: 2 has no effect without healthCheckModel; "
                + "set healthCheckModel or remove it",
            "failover.healthCheckInterval: 5000 has no effect without healthCheckModel; "
                + "set healthCheckModel or remove it");
  }

  @Test
  void twoHealthChecksAreReported() {
    assertThat(failover("""
        failover: {healthCheckModel: m}
        healthCheck: {model: m}
        """)).containsExactly(
            "healthCheck: given both here and as failover.healthCheckModel; keep one");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      failoverOnStatus: ["6.."]    | failover.failoverOnStatus[0]: "6.." matches no HTTP status (100-599); the regex must match the whole status, e.g. "5.." or "429"
      failoverOnStatus: []         | failover.failoverOnStatus: [] is empty; give at least one status pattern or remove the key
      failoverOnStatus: [true]     | failover.failoverOnStatus[0]: true is a boolean, expected a status regex such as "5.*" or a status
      failoverOnStatus: [700]      | failover.failoverOnStatus[0]: 700 is not an HTTP status (100-599)
      healthCheckModel: m, healthCheckInterval: 0     | failover.healthCheckInterval: 0 is not positive; give a duration above zero
      healthCheckModel: m, healthCheckTimeout: -1     | failover.healthCheckTimeout: -1 is negative; give a positive duration
      healthCheckModel: " "                           | failover.healthCheckModel: " " is blank
      cooldownDuration: "soon"     | failover.cooldownDuration: "soon" is not a duration; e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      failureThreshold: -2         | failover.failureThreshold: -2 is not between 1 and 1000000
      failureTreshold: 2, enabled: true | failover.failureTreshold: unknown key (did you mean failureThreshold?)
      """)
  void reportsBadValues(String block, String problem) {
    assertThat(failover("failover: {" + block + "}")).containsExactly(problem);
  }

  @Test
  void invalidStatusRegexNamesThePatternAndTheRe2Error() {
    assertThat(failover("failover: {failoverOnStatus: [\"5(0\"]}")).containsExactly(
        "failover.failoverOnStatus[0]: \"5(0\" is not a valid RE2 regular expression: "
            + "missing closing ) (in pattern \"5(0\")");
  }

  @Test
  void retryProblems() {
    assertThat(failover("""
        failover: {enabled: true}
        retryOnFailure: {retryTimeout: 30000, timeout: 30s, retryOnStatus: ["x"], maxRetry: 2}
        """)).containsExactly(
            "retryOnFailure.maxRetry: unknown key (did you mean maxRetries?)",
            "retryOnFailure.retryOnStatus[0]: \"x\" matches no HTTP status (100-599); the regex "
                + "must match the whole status, e.g. \"5..\" or \"429\"",
            "retryOnFailure.timeout: given together with retryTimeout; use one");
    assertThat(failover("""
        failover: {enabled: true}
        retryOnFailure: {timeout: 30}
        """)).containsExactly("retryOnFailure.timeout: 30 has no unit; write e.g. 30s or 30ms");
  }
}
