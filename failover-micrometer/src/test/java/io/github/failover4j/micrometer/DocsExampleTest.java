package io.github.failover4j.micrometer;

import static io.github.failover4j.micrometer.PoolDriver.A;
import static io.github.failover4j.micrometer.PoolDriver.B;
import static io.github.failover4j.micrometer.PoolDriver.C;
import static io.github.failover4j.micrometer.PoolDriver.id;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md's Java examples, verbatim (DocsTest checks it), run on real registries; and
 * every metric its PromQL and alert examples name is one a scrape really has.
 */
class DocsExampleTest {
  private final PoolDriver openai = new PoolDriver("openai", A, B);
  private final FailoverRegistry pools = new FailoverRegistry();

  DocsExampleTest() {
    pools.register(openai.pool);
  }

  private static Set<String> tokensOf(MeterRegistry registry) {
    Set<String> tokens = new TreeSet<>();
    registry.find("failover.token.state").gauges().forEach(g -> tokens.add(g.getId().getTag("token")));
    return tokens;
  }

  @Test
  void bindTheRegistrysPools() {
    MeterRegistry meterRegistry = new SimpleMeterRegistry();

    FailoverMetrics metrics = FailoverMetrics.of(pools);
    metrics.bindTo(meterRegistry);                  // registers a meter set for every token

    assertThat(meterRegistry.find("failover.token.state").gauges()).hasSize(6);
    assertThat(tokensOf(meterRegistry)).containsExactly(id(A), id(B));
    Gauge healthy = meterRegistry.find("failover.token.state")
        .tags("token", id(A), "state", "healthy").gauge();
    assertThat(healthy.value()).isEqualTo(1);
    metrics.close();
    assertThat(meterRegistry.getMeters()).isEmpty();
  }

  @Test
  void refreshAfterAReload() {
    MeterRegistry meterRegistry = new SimpleMeterRegistry();
    FailoverMetrics metrics = FailoverMetrics.of(pools);
    metrics.bindTo(meterRegistry);
    TokenPool pool = pools.pool("openai");
    List<TokenSpec> newTokens = List.of(TokenSpec.of(A), TokenSpec.of(C));
    FailoverConfig newConfig = FailoverConfig.parse("retryOnFailure: {maxRetries: 1}\n");

    pool.reload(newTokens, newConfig);
    metrics.refresh();

    assertThat(tokensOf(meterRegistry)).containsExactlyInAnyOrder(id(A), id(C));
    assertThat(meterRegistry.find("failover.token.requests").tag("token", id(B)).meters())
        .isEmpty();
  }

  @Test
  void prometheusAndEveryMetricTheDocsQuery() throws IOException {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FailoverMetrics.of(pools).bindTo(prometheus);
    // serve prometheus.scrape() as text/plain at /metrics

    Scrape scrape = new Scrape(prometheus.scrape());
    assertThat(scrape.value("failover_token_state",
        "pool", "openai", "token", id(B), "state", "healthy")).isEqualTo(1);
    assertThat(scrape.text).doesNotContain(A).doesNotContain(B);

    String docs = Files.readString(Path.of("../docs/metrics.md"), StandardCharsets.UTF_8);
    Matcher blocks = Pattern.compile("(?ms)^```(?:promql|yaml)\\n(.*?)^```").matcher(docs);
    Set<String> named = new TreeSet<>();
    while (blocks.find()) {
      Matcher metric = Pattern.compile("\\bfailover_[a-z_]+").matcher(blocks.group(1));
      while (metric.find()) {
        named.add(metric.group());
      }
    }
    assertThat(named).hasSizeGreaterThanOrEqualTo(5);
    assertThat(scrape.types.keySet()).containsAll(named);
  }
}
