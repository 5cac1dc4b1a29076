package io.github.failover4j.micrometer;

import static io.github.failover4j.micrometer.PoolDriver.A;
import static io.github.failover4j.micrometer.PoolDriver.B;
import static io.github.failover4j.micrometer.PoolDriver.C;
import static io.github.failover4j.micrometer.PoolDriver.WITH_JITTER;
import static io.github.failover4j.micrometer.PoolDriver.fingerprint;
import static io.github.failover4j.micrometer.PoolDriver.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.fixtures.TalliedRules;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The binder on a {@link SimpleMeterRegistry}, its pools driven on a manual clock. */
class FailoverMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name, String secret, String... tags) {
    Gauge g = registry.find(name).tag("fingerprint", fingerprint(secret)).tags(tags).gauge();
    assertThat(g).as("%s for %s %s", name, id(secret), List.of(tags)).isNotNull();
    return g.value();
  }

  private double count(String name, String secret, String... tags) {
    FunctionCounter c = registry.find(name).tag("fingerprint", fingerprint(secret)).tags(tags)
        .functionCounter();
    assertThat(c).as("%s for %s %s", name, id(secret), List.of(tags)).isNotNull();
    return c.count();
  }

  private double state(String secret, String state) {
    return gauge("failover.token.state", secret, "state", state);
  }

  private Set<String> tokensTagged(String pool) {
    return registry.getMeters().stream()
        .filter(m -> pool.equals(m.getId().getTag("pool")))
        .map(m -> m.getId().getTag("token")).collect(Collectors.toSet());
  }

  @Test
  void everyTokenGetsItsMetersTaggedWithPoolMaskedIdAndFingerprint() {
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics.of(d.pool).bindTo(registry);

    assertThat(tokensTagged("openai")).containsExactlyInAnyOrder(id(A), id(B));
    assertThat(state(A, "healthy")).isEqualTo(1);
    assertThat(state(A, "ejected")).isZero();
    assertThat(state(A, "disabled")).isZero();
    assertThat(gauge("failover.token.consecutive.failures", A)).isZero();
    for (String counter : List.of("failover.token.requests", "failover.token.ejections",
        "failover.token.restores")) {
      assertThat(count(counter, B)).as(counter).isZero();
    }
    assertThat(count("failover.token.probes", B, "result", "pass")).isZero();
    assertThat(count("failover.token.probes", B, "result", "fail")).isZero();
    // one failure series per configured condition, at 0 before the first failure
    assertThat(count("failover.token.failures", A, "condition", "0", "action", "ignore")).isZero();
    assertThat(count("failover.token.failures", A, "condition", "1", "action", "eject")).isZero();
    assertThat(count("failover.token.failures", A, "condition", "2", "action", "count")).isZero();
    assertThat(registry.find("failover.token.failures").meters()).hasSize(2 * 3);

    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        assertThat(t.getValue()).doesNotContain(A).doesNotContain(B)
            .doesNotContain(A.substring(8, 20));
      }
    }
  }

  @Test
  void seriesMoveWhenATokenIsEjectedProbedAndRestored() {
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics.of(d.pool).bindTo(registry);

    d.respond(A, 404); // ignored
    d.respond(A, 503); // counts: 1 of 2
    assertThat(gauge("failover.token.consecutive.failures", A)).isEqualTo(1);
    d.respond(A, 503); // ejects
    assertThat(state(A, "healthy")).isZero();
    assertThat(state(A, "ejected")).isEqualTo(1);
    assertThat(count("failover.token.ejections", A)).isEqualTo(1);
    assertThat(count("failover.token.requests", A)).isEqualTo(3);
    assertThat(count("failover.token.failures", A, "condition", "2", "action", "count"))
        .isEqualTo(2);
    assertThat(count("failover.token.failures", A, "condition", "0", "action", "ignore"))
        .isEqualTo(1);
    assertThat(state(B, "healthy")).isEqualTo(1);

    d.clock.advance(WITH_JITTER);
    d.answerProbe(500);
    assertThat(count("failover.token.probes", A, "result", "fail")).isEqualTo(1);
    assertThat(state(A, "ejected")).isEqualTo(1);
    d.clock.advance(WITH_JITTER);
    d.answerProbe(200);
    assertThat(count("failover.token.probes", A, "result", "pass")).isEqualTo(1);
    assertThat(count("failover.token.restores", A)).isEqualTo(1);
    assertThat(state(A, "healthy")).isEqualTo(1);
    assertThat(state(A, "ejected")).isZero();
    assertThat(gauge("failover.token.consecutive.failures", A)).isZero();

    d.respond(A, 401); // ejected at once by condition 1
    assertThat(count("failover.token.failures", A, "condition", "1", "action", "eject"))
        .isEqualTo(1);
    assertThat(count("failover.token.ejections", A)).isEqualTo(2);

    d.pool.disable(fingerprint(B));
    assertThat(state(B, "disabled")).isEqualTo(1);
    assertThat(state(B, "healthy")).isZero();
  }

  @Test
  void aCustomVerdictGetsItsSeriesOnRefresh() {
    PoolDriver d = new PoolDriver("openai", A);
    FailoverMetrics metrics = FailoverMetrics.of(d.pool);
    metrics.bindTo(registry);
    d.pool.select().record(Verdict.of(Action.EJECT, "my own check"));
    metrics.refresh();
    assertThat(count("failover.token.failures", A, "condition", "custom", "action", "eject"))
        .isEqualTo(1);
  }

  @Test
  void followsTheRegistryPoolsOnRefreshAndRebindsAReplacedPool() {
    FailoverRegistry pools = new FailoverRegistry();
    PoolDriver openai = new PoolDriver("openai", A);
    pools.register(openai.pool);
    FailoverMetrics metrics = FailoverMetrics.of(pools);
    metrics.bindTo(registry);
    assertThat(tokensTagged("openai")).containsExactly(id(A));

    PoolDriver claude = new PoolDriver("claude", B);
    pools.register(claude.pool);
    metrics.refresh();
    assertThat(tokensTagged("claude")).containsExactly(id(B));

    pools.remove("openai");
    metrics.refresh();
    assertThat(tokensTagged("openai")).isEmpty();
    assertThat(tokensTagged("claude")).containsExactly(id(B));

    // a new pool object under an old name: its meters read the new pool
    pools.remove("claude");
    PoolDriver claude2 = new PoolDriver("claude", B);
    pools.register(claude2.pool);
    metrics.refresh();
    claude2.respond(B, 503);
    assertThat(count("failover.token.requests", B)).isEqualTo(1);
    assertThat(registry.find("failover.token.requests").meters()).hasSize(1);
  }

  @Test
  void reloadedTokensAndConditionsGetMetersAndRemovedTokensLoseThemOnRefresh() {
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics metrics = FailoverMetrics.of(d.pool);
    metrics.bindTo(registry);
    d.respond(B, 503);

    d.pool.reload(List.of(TokenSpec.of(B), TokenSpec.of(C)), TalliedRules.withOneMoreCondition());
    // before the refresh: the removed token's gauges say NaN, its counters stand still
    assertThat(state(A, "healthy")).isNaN();
    assertThat(count("failover.token.requests", A)).isZero();

    metrics.refresh();
    assertThat(tokensTagged("openai")).containsExactlyInAnyOrder(id(B), id(C));
    assertThat(count("failover.token.requests", B)).isEqualTo(1); // state kept across reload
    d.respond(C, 500);
    assertThat(count("failover.token.failures", C, "condition", "3", "action", "count"))
        .isEqualTo(1);
    assertThat(count("failover.token.failures", B, "condition", "3", "action", "count")).isZero();
  }

  @Test
  void closeRemovesEveryMeterFromEveryBoundRegistry() {
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics metrics = FailoverMetrics.of(d.pool);
    metrics.bindTo(registry);
    metrics.bindTo(other);
    metrics.bindTo(registry); // binding again registers nothing twice
    int perToken = 3 + 1 + 3 + 2 + 3; // states, consecutive, req/eject/restore, probes, failures
    assertThat(registry.getMeters()).hasSize(2 * perToken);
    assertThat(other.getMeters()).hasSize(2 * perToken);

    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(other.getMeters()).isEmpty();
    metrics.refresh(); // no-op once closed
    assertThat(registry.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(registry))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    // the pool goes on
    d.respond(A, 200);
    assertThat(d.pool.snapshot(fingerprint(A)).orElseThrow().requests()).isEqualTo(1);
  }

  @Test
  void metersKeepWorkingWhenTheCallerDropsTheBinder() {
    PoolDriver d = new PoolDriver("openai", A);
    FailoverMetrics.of(d.pool).bindTo(registry); // not kept, as in a one-line setup
    // Micrometer holds a function counter's object weakly: collect until a weakly held
    // canary is gone, so anything only weakly held by the meters would be gone too
    WeakReference<Object> canary = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && canary.get() != null; i++) {
      System.gc();
    }
    assertThat(canary.get()).as("a full collection ran").isNull();
    d.respond(A, 401);
    assertThat(count("failover.token.requests", A)).isEqualTo(1);
    assertThat(count("failover.token.ejections", A)).isEqualTo(1);
    assertThat(state(A, "ejected")).isEqualTo(1);
  }

  @Test
  void twoPoolsOfOneNameAreRefused() {
    PoolDriver one = new PoolDriver("openai", A);
    PoolDriver two = new PoolDriver("openai", B);
    assertThatThrownBy(() -> FailoverMetrics.of(one.pool, two.pool))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'openai'");
  }

  @Test
  void twoTokensWithTheSameMaskedIdKeepTheirOwnSeries() {
    String a = "sk-one-aaaaaaaaaaaa9999";
    String b = "sk-two-bbbbbbbbbbbb9999";
    assertThat(id(a)).isEqualTo(id(b));
    PoolDriver d = new PoolDriver("openai", a, b);
    FailoverMetrics.of(d.pool).bindTo(registry);
    d.respond(a, 401);
    assertThat(state(a, "ejected")).isEqualTo(1);
    assertThat(state(b, "ejected")).isZero();
  }
}
