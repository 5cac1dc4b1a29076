package io.github.failover4j.micrometer;

import static io.github.failover4j.micrometer.PoolDriver.A;
import static io.github.failover4j.micrometer.PoolDriver.B;
import static io.github.failover4j.micrometer.PoolDriver.WITH_JITTER;
import static io.github.failover4j.micrometer.PoolDriver.fingerprint;
import static io.github.failover4j.micrometer.PoolDriver.id;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FailoverRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The binder on Micrometer's Prometheus registry, as the proxy's {@code /metrics} serves it:
 * the scrape text is parsed and its series asserted as an operator's PromQL would see them.
 */
class PrometheusScrapeTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Scrape scrape() {
    Scrape s = new Scrape(registry.scrape());
    for (String secret : new String[] {A, B}) {
      assertThat(s.text).doesNotContain(secret)
          .doesNotContain(secret.substring(0, 12)).doesNotContain(secret.substring(8, 20));
    }
    return s;
  }

  private static String[] of(String secret, String... more) {
    String[] labels = new String[4 + more.length];
    labels[0] = "pool";
    labels[1] = "openai";
    labels[2] = "token";
    labels[3] = id(secret);
    System.arraycopy(more, 0, labels, 4, more.length);
    return labels;
  }

  @Test
  void seriesExistWithTheirPrometheusNamesAndTypes() {
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics.of(d.pool).bindTo(registry);
    Scrape s = scrape();

    assertThat(s.types).contains(
        Map.entry("failover_token_state", "gauge"),
        Map.entry("failover_token_consecutive_failures", "gauge"),
        Map.entry("failover_token_requests_total", "counter"),
        Map.entry("failover_token_failures_total", "counter"),
        Map.entry("failover_token_ejections_total", "counter"),
        Map.entry("failover_token_restores_total", "counter"),
        Map.entry("failover_token_probes_total", "counter"));
    assertThat(s.find("failover_token_state", of(A))).hasSize(3);
    assertThat(s.value("failover_token_state", of(A, "state", "healthy"))).isEqualTo(1);
    assertThat(s.find("failover_token_state", of(A, "state", "healthy")).get(0).labels())
        .containsOnlyKeys("pool", "token", "fingerprint", "state")
        .containsEntry("fingerprint", fingerprint(A));
    assertThat(s.value("failover_token_failures_total",
        of(B, "condition", "1", "action", "eject"))).isZero();
    assertThat(s.find("failover_token_probes_total", of(B))).hasSize(2);
  }

  @Test
  void seriesMoveWhenATokenIsEjectedAndRestored() {
    PoolDriver d = new PoolDriver("openai", A, B);
    FailoverMetrics.of(d.pool).bindTo(registry);
    d.respond(A, 503);
    d.respond(A, 503);
    d.respond(B, 200);

    Scrape ejected = scrape();
    assertThat(ejected.value("failover_token_state", of(A, "state", "ejected"))).isEqualTo(1);
    assertThat(ejected.value("failover_token_state", of(A, "state", "healthy"))).isZero();
    assertThat(ejected.value("failover_token_consecutive_failures", of(A))).isEqualTo(2);
    assertThat(ejected.value("failover_token_ejections_total", of(A))).isEqualTo(1);
    assertThat(ejected.value("failover_token_requests_total", of(A))).isEqualTo(2);
    assertThat(ejected.value("failover_token_requests_total", of(B))).isEqualTo(1);
    assertThat(ejected.value("failover_token_failures_total",
        of(A, "condition", "2", "action", "count"))).isEqualTo(2);
    assertThat(ejected.value("failover_token_state", of(B, "state", "healthy"))).isEqualTo(1);

    d.clock.advance(WITH_JITTER);
    d.answerProbe(503);
    d.clock.advance(WITH_JITTER);
    d.answerProbe(200);
    Scrape restored = scrape();
    assertThat(restored.value("failover_token_state", of(A, "state", "healthy"))).isEqualTo(1);
    assertThat(restored.value("failover_token_state", of(A, "state", "ejected"))).isZero();
    assertThat(restored.value("failover_token_consecutive_failures", of(A))).isZero();
    assertThat(restored.value("failover_token_restores_total", of(A))).isEqualTo(1);
    assertThat(restored.value("failover_token_probes_total", of(A, "result", "fail")))
        .isEqualTo(1);
    assertThat(restored.value("failover_token_probes_total", of(A, "result", "pass")))
        .isEqualTo(1);
    assertThat(restored.value("failover_token_ejections_total", of(A))).isEqualTo(1);
  }

  @Test
  void aRemovedPoolAndAClosedBinderLeaveNoSeries() {
    FailoverRegistry pools = new FailoverRegistry();
    PoolDriver openai = new PoolDriver("openai", A);
    PoolDriver claude = new PoolDriver("claude", B);
    pools.register(openai.pool);
    pools.register(claude.pool);
    FailoverMetrics metrics = FailoverMetrics.of(pools);
    metrics.bindTo(registry);
    assertThat(scrape().find("failover_token_state", "pool", "openai")).hasSize(3);

    pools.remove("openai");
    metrics.refresh();
    Scrape after = scrape();
    assertThat(after.find("failover_token_state", "pool", "openai")).isEmpty();
    assertThat(after.find("failover_token_requests_total", "pool", "openai")).isEmpty();
    assertThat(after.find("failover_token_state", "pool", "claude")).hasSize(3);

    metrics.close();
    assertThat(scrape().samples).noneMatch(x -> x.name().startsWith("failover_"));
  }
}
