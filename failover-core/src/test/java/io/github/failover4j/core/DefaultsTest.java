package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no failure conditions, a configuration gets the recommended production rules, whether
 * it is built in code or parsed (a failover file or a gateway provider without a {@code
 * failover} block): one definition, {@link FailureRules#RECOMMENDED}.
 */
class DefaultsTest {
  private static final String A = PoolFixture.A;
  private static final String B = PoolFixture.B;
  private static final String C = PoolFixture.C;
  private static final String D = "sk-test-dddddddddddd4444";

  private static PoolFixture pool(String... tokens) {
    return new PoolFixture(FailoverConfig.builder().build(), tokens);
  }

  @Test
  void theBuilderWithoutConditionsGivesTheRecommendedRules() {
    FailoverConfig config = FailoverConfig.builder().build();
    assertThat(config.failure()).isEqualTo(FailureRules.RECOMMENDED);
    assertThat(config.failure().failureThreshold()).isEqualTo(3);
    assertThat(config.ejection()).isEqualTo(EjectionPolicy.RECOMMENDED);
    assertThat(config.ejection().maxEjectionPercent()).isEqualTo(50);
    assertThat(config.healthCheck()).isNull();
    assertThat(config.whenAllEjected()).isEqualTo(WhenAllEjected.FAIL);
  }

  @Test
  void ownConditionsKeepTheSeedDefaults() {
    FailoverConfig config = FailoverConfig.builder().conditions(Condition.status(503)).build();
    assertThat(config.failure().failureThreshold()).isEqualTo(1);
    assertThat(config.ejection()).isEqualTo(EjectionPolicy.DEFAULT);
    // a threshold alone keeps the recommended conditions
    FailoverConfig five = FailoverConfig.builder().failureThreshold(5).build();
    assertThat(five.failure().conditions()).isEqualTo(FailureRules.RECOMMENDED.conditions());
    assertThat(five.failure().failureThreshold()).isEqualTo(5);
  }

  @Test
  void authErrorsEjectAtOnce() {
    for (int status : new int[] {401, 402}) {
      PoolFixture f = pool();
      Verdict v = f.handleOf(A).report(TestResponse.status(status));
      assertThat(v.action()).as("status %d", status).isEqualTo(Action.EJECT);
      assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    }
    PoolFixture f = pool();
    f.handleOf(A).report(TestResponse.status(403)
        .body("{\"error\":{\"message\":\"Incorrect API key provided: sk-...\"}}"));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
  }

  @Test
  void aPlain403CountsInsteadOfEjecting() {
    PoolFixture f = pool();
    TokenHandle a = f.handleOf(A);
    a.report(TestResponse.status(403).body("{\"error\":\"unsupported_country_region\"}"));
    a.report(TestResponse.status(403).body("{\"error\":\"unsupported_country_region\"}"));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.snapshotOf(A).consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void rateLimitsCoolDownAsLongAsTheProviderSaysThenComeBackWithoutAProbe() {
    PoolFixture f = pool();
    f.handleOf(A).report(TestResponse.status(429).header("Retry-After", "7"));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(f.snapshotOf(A).ejectedBy()).isEqualTo(Action.COOLDOWN);
    f.clock.advance(Duration.ofSeconds(6));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.EJECTED);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(f.prober.requests).isEmpty();
  }

  @Test
  void requestErrorsNeverCount() {
    PoolFixture f = pool();
    TokenHandle a = f.handleOf(A);
    for (int status : new int[] {400, 404, 413, 422}) {
      for (int i = 0; i < 5; i++) {
        assertThat(a.report(TestResponse.status(status)).outcome()).isEqualTo(Outcome.IGNORED);
      }
    }
    // a too-long prompt reported as a 5xx is the request's fault too
    for (int i = 0; i < 5; i++) {
      a.report(TestResponse.status(500).body("{\"code\":\"context_length_exceeded\"}"));
    }
    assertThat(f.snapshotOf(A).consecutiveFailures()).isZero();
    assertThat(f.snapshotOf(A).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void serverErrorsCountThreeInARowAndAtMostHalfThePoolGoes() {
    PoolFixture f = pool(A, B, C, D);
    for (String token : new String[] {A, B, C, D}) {
      TokenHandle h = f.handleOf(token);
      h.report(TestResponse.status(500));
      h.report(TestResponse.status(502));
      h.report(TestResponse.status(503));
    }
    long ejected = f.pool.snapshot().stream()
        .filter(s -> s.state() == TokenState.EJECTED).count();
    assertThat(ejected).isEqualTo(2); // the whole pool failing is the provider, not the keys
  }

  @Test
  void theParserAppliesTheSameDefaultsToAScopeWithoutFailureRules() {
    FailoverConfig noBlock = FailoverConfig.parse("healthCheck: {model: gpt-4o-mini}\n");
    assertThat(noBlock.failure()).isEqualTo(FailureRules.RECOMMENDED);
    assertThat(noBlock.ejection()).isEqualTo(EjectionPolicy.RECOMMENDED);
    assertThat(noBlock.healthCheck().model()).isEqualTo("gpt-4o-mini");

    FailoverConfig noFailure = FailoverConfig.parse("failover: {cooldown: 30s}\n");
    assertThat(noFailure.failure()).isEqualTo(FailureRules.RECOMMENDED);

    FailoverConfig thresholdOnly = FailoverConfig.parse(
        "failover: {failure: {failureThreshold: 5, maxEjectionPercent: 25}}\n");
    assertThat(thresholdOnly.failure().conditions())
        .isEqualTo(FailureRules.RECOMMENDED.conditions());
    assertThat(thresholdOnly.failure().failureThreshold()).isEqualTo(5);
    assertThat(thresholdOnly.ejection().maxEjectionPercent()).isEqualTo(25);

    FailoverConfig own = FailoverConfig.parse(
        "failover: {failure: {conditions: [{status_code: [503]}]}}\n");
    assertThat(own.failure().failureThreshold()).isEqualTo(1);
    assertThat(own.ejection()).isEqualTo(EjectionPolicy.DEFAULT);
  }
}
