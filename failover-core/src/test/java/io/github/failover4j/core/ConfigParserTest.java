package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seed's format: parsing, defaults, and where the health check may stand. */
class ConfigParserTest {

  /** SPEC §3's block, verbatim. */
  static final String SEED = """
      failover:
        failure:
          failureThreshold: 3          # consecutive failures that eject a token (default 1)
          conditions:                  # OR across list items; AND inside one item
            - status_code: [403]
              headers: ["failure=true"]
            - status_code: [502, 503]
            - body: "No quota available"
        healthCheck:                   # optional; also accepted at top level beside `failover`
          periodSeconds: 10            # probe interval per ejected token (default 10)
          timeoutSeconds: 5            # per probe (default 5)
          successThreshold: 1          # consecutive passing probes to restore (default 1)
          content: "你是谁?"            # the probe prompt (default "你是谁?")
          model: some-small-model      # model named in the probe request (required when healthCheck is set)
          conditions:                  # a probe passes when any condition matches
            - status_code: [200]
              body: "我是.*"
            - headers: ["success=true"]
      """;

  @Test
  void parsesTheSeedBlock() {
    FailoverConfig config = FailoverConfig.parse(SEED);

    assertThat(config.failure().failureThreshold()).isEqualTo(3);
    assertThat(config.failure().conditions()).containsExactly(
        new Condition(Set.of(403), List.of("failure=true"), null),
        Condition.status(502, 503),
        Condition.body("No quota available"));
    assertThat(config.healthCheck()).isEqualTo(new HealthCheck(Duration.ofSeconds(10),
        Duration.ofSeconds(5), 1, "你是谁?", "some-small-model", HealthCheck.DEFAULT_PATH,
        List.of(new Condition(Set.of(200), List.of(), "我是.*"),
            new Condition(Set.of(), List.of("success=true"), null))));
    assertThat(config.retry()).isNull();
    assertThat(config.whenAllEjected()).isEqualTo(WhenAllEjected.FAIL);
    assertThat(config.selection()).isEqualTo(SelectionStrategy.ROUND_ROBIN);
    assertThat(config.cooldown()).isNull();
    assertThat(config.maxBodyBytes()).isEqualTo(FailoverConfig.DEFAULT_MAX_BODY_BYTES);
  }

  @Test
  void appliesDefaults() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure:
            conditions: [{status_code: 429}]
        """);

    assertThat(config).isEqualTo(FailoverConfig.builder()
        .conditions(Condition.status(429)).build());
    assertThat(config.failure().failureThreshold()).isEqualTo(1);
    assertThat(config.healthCheck()).isNull();
  }

  @Test
  void healthCheckDefaultsNeedOnlyTheModel() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure: {conditions: [{status_code: 429}]}
          healthCheck: {model: tiny}
        """);

    assertThat(config.healthCheck()).isEqualTo(HealthCheck.of("tiny"));
  }

  @Test
  void healthCheckMayStandBesideFailover() {
    String inside = """
        failover:
          failure: {conditions: [{status_code: 503}]}
          healthCheck: {model: tiny, period: 30s, path: /v1/messages}
        """;
    String beside = """
        failover:
          failure: {conditions: [{status_code: 503}]}
        healthCheck: {model: tiny, period: 30s, path: /v1/messages}
        """;

    assertThat(FailoverConfig.parse(beside)).isEqualTo(FailoverConfig.parse(inside));
    assertThat(FailoverConfig.parse(beside).healthCheck().path()).isEqualTo("/v1/messages");
  }

  @Test
  void healthCheckInsideAndBesideIsAnError() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          healthCheck: {model: tiny}
        healthCheck: {model: tiny}
        """)).containsExactly(
            "healthCheck: given both here and as failover.healthCheck; keep one");
  }

  @Test
  void jsonEqualsYaml() {
    String json = """
        {"failover": {
           "failure": {"failureThreshold": 3, "conditions": [
             {"status_code": [403], "headers": ["failure=true"]},
             {"status_code": [502, 503]},
             {"body": "No quota available"}]},
           "healthCheck": {"periodSeconds": 10, "timeoutSeconds": 5, "successThreshold": 1,
             "content": "你是谁?", "model": "some-small-model",
             "conditions": [{"status_code": [200], "body": "我是.*"},
                            {"headers": ["success=true"]}]}}}
        """;

    assertThat(FailoverConfig.parse(json)).isEqualTo(FailoverConfig.parse(SEED));
  }

  @Test
  void acceptsSingleValuesForListClauses() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure:
            conditions:
              - status_code: 403
                headers: x-quota-exhausted
        """);

    assertThat(config.failure().conditions())
        .containsExactly(Condition.status(403).withHeader("x-quota-exhausted"));
  }

  @Test
  void readsTheOptionsBesideFailover() {
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          maxBodyBytes: 1024
          cooldown: 1m30s
        retryOnFailure: {maxRetries: 3, retryOnStatus: [503, "42."], timeout: 20s,
                         onTransportError: false}
        whenAllEjected: least-recently-ejected
        selection: weighted
        """);

    assertThat(config.maxBodyBytes()).isEqualTo(1024);
    assertThat(config.cooldown()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.retry()).isEqualTo(new RetryPolicy(3,
        Set.of(503, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429), Duration.ofSeconds(20),
        false));
    assertThat(config.whenAllEjected()).isEqualTo(WhenAllEjected.LEAST_RECENTLY_EJECTED);
    assertThat(config.selection()).isEqualTo(SelectionStrategy.WEIGHTED);
  }

  @Test
  void retryDefaultsAndDisabling() {
    String base = "failover: {failure: {conditions: [{status_code: 503}]}}\n";

    assertThat(FailoverConfig.parse(base + "retryOnFailure: {}").retry())
        .isEqualTo(RetryPolicy.of(2));
    assertThat(FailoverConfig.parse(base + "retryOnFailure: {enabled: false}").retry()).isNull();
  }

  @Test
  void retryWaits() {
    String base = "failover: {failure: {conditions: [{status_code: 503}]}}\n";

    RetryPolicy p = FailoverConfig.parse(base
        + "retryOnFailure: {maxRetries: 2, backoff: {initial: 0s, max: 2s}, honorRetryAfter: 5s}")
        .retry();
    assertThat(p).isEqualTo(RetryPolicy.builder(2)
        .backoff(Duration.ZERO, Duration.ofSeconds(2)).honorRetryAfter(Duration.ofSeconds(5))
        .build());
    RetryPolicy q = FailoverConfig.parse(base
        + "retryOnFailure: {backoff: {initial: 200ms, max: 1s}}").retry();
    assertThat(q.backoffInitial()).isEqualTo(Duration.ofMillis(200));
    assertThat(q.honorRetryAfter()).isNull();
    assertThat(q.backoffNanos(1)).isEqualTo(200_000_000L);
    assertThat(q.backoffNanos(2)).isEqualTo(400_000_000L);
    assertThat(q.backoffNanos(3)).isEqualTo(800_000_000L);
    assertThat(q.backoffNanos(4)).isEqualTo(1_000_000_000L);
    assertThat(q.backoffNanos(64)).isEqualTo(1_000_000_000L);
    assertThat(RetryPolicy.of(2).backoffNanos(1)).isZero();
    assertThat(FailoverConfig.parse(base + "retryOnFailure: {}").retry().backoffMax()).isNull();
  }

  @Test
  void enumsAreReadLeniently() {
    String base = "failover: {failure: {conditions: [{status_code: 503}]}}\n";
    for (String spelling : List.of("USE_ALL", "use_all", "use-all", "Use-All")) {
      assertThat(FailoverConfig.parse(base + "whenAllEjected: " + spelling).whenAllEjected())
          .isEqualTo(WhenAllEjected.USE_ALL);
    }
    assertThat(FailoverConfig.parse(base + "selection: Round-Robin").selection())
        .isEqualTo(SelectionStrategy.ROUND_ROBIN);
  }

  @Test
  void anEmptyDocumentIsReported() {
    assertThat(ConfigProblems.of(() -> FailoverConfig.parse("# nothing\n")))
        .containsExactly("(root): the configuration is empty");
  }
}
