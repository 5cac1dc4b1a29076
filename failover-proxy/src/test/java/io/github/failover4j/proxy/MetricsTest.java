package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_1;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.spi.TokenEvent;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} scraped over HTTP and parsed as Prometheus text. */
class MetricsTest extends ServiceTestBase {

  /** One sample of a scrape: name and sorted labels. */
  record Sample(String name, Map<String, String> labels) {}

  /** Parses Prometheus text exposition: every sample line, comments skipped. */
  static Map<Sample, Double> parse(String text) {
    Map<Sample, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        for (String pair : body.split(",(?=[a-zA-Z_]+=\")")) {
          if (!pair.isEmpty()) {
            int eq = pair.indexOf('=');
            labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
          }
        }
      }
      out.put(new Sample(name, labels), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  Map<Sample, Double> scrape() throws Exception {
    HttpResponse<String> r = f.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).get().asString()
        .startsWith("text/plain");
    return parse(r.body());
  }

  static double value(Map<Sample, Double> samples, String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name)
            && e.getKey().labels().entrySet().containsAll(want.entrySet()))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  @Test
  void seriesExistAndMoveWhenATokenIsEjectedAndRestored() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    TestUpstream up = new TestUpstream().on(TOKEN_A, (r, ex) ->
        (failing.get() && !r.isProbe() ? TestUpstream.quotaExhausted() : TestUpstream.ok())
            .respond(r, ex));
    f = new ServiceFixture(up, dir, """
        clients: [{name: team-one, key: %s}]
        providers:
          - name: openai
            upstream: %%UPSTREAM%%
            apiTokens: [%s, %s]
            retryOnFailure: {enabled: true, maxRetries: 2}
            failover:
              failure:
                conditions:
                  - {status_code: [429], action: eject}
              healthCheck:
                periodSeconds: 10
                model: probe-model
                conditions:
                  - status_code: [200]
        """.formatted(CLIENT_KEY_1, TOKEN_A, TOKEN_B));
    Map<Sample, Double> before = scrape();
    assertThat(value(before, "failover_token_state", "pool", "openai", "state", "healthy"))
        .isEqualTo(2);
    assertThat(value(before, "failover_token_state", "pool", "openai", "state", "ejected"))
        .isZero();
    assertThat(value(before, "failover_token_state", "pool", "openai", "token",
        TokenSpec.maskedId(TOKEN_A), "state", "healthy")).isEqualTo(1);

    // Until token A has been tried: it answers 429, is ejected, and the request is retried on B.
    while (f.proxy.registry().pool("openai").snapshot().get(0).ejections() == 0) {
      assertThat(f.chat("m", "Authorization", "Bearer " + CLIENT_KEY_1).statusCode())
          .isEqualTo(200);
    }
    f.await(TokenEvent.Kind.EJECTED);
    Map<Sample, Double> ejected = scrape();
    assertThat(value(ejected, "failover_token_state", "pool", "openai", "token",
        TokenSpec.maskedId(TOKEN_A), "state", "ejected")).isEqualTo(1);
    assertThat(value(ejected, "failover_token_state", "pool", "openai", "state", "healthy"))
        .isEqualTo(1);
    assertThat(value(ejected, "failover_token_ejections_total", "pool", "openai", "token",
        TokenSpec.maskedId(TOKEN_A))).isEqualTo(1);
    assertThat(value(ejected, "failover_proxy_retries_total", "provider", "openai"))
        .isEqualTo(1);
    double served = value(ejected, "failover_proxy_requests_seconds_count", "provider",
        "openai", "client", "team-one", "status", "2xx");
    assertThat(served).isGreaterThanOrEqualTo(1);
    assertThat(value(ejected, "failover_proxy_requests_seconds_bucket", "provider", "openai",
        "client", "team-one", "status", "2xx", "le", "+Inf")).isEqualTo(served);
    assertThat(value(ejected, "failover_proxy_requests_seconds_sum", "provider", "openai"))
        .isPositive();

    failing.set(false);
    f.advanceToNextTask(); // the probe passes: A is restored
    f.await(TokenEvent.Kind.RESTORED);
    Map<Sample, Double> restored = scrape();
    assertThat(value(restored, "failover_token_state", "pool", "openai", "state", "healthy"))
        .isEqualTo(2);
    assertThat(value(restored, "failover_token_state", "pool", "openai", "state", "ejected"))
        .isZero();
    assertThat(value(restored, "failover_token_restores_total", "pool", "openai", "token",
        TokenSpec.maskedId(TOKEN_A))).isEqualTo(1);
    assertThat(value(restored, "failover_token_probes_total", "pool", "openai", "result",
        "pass")).isEqualTo(1);

    // a refused request is counted by status class, with a bounded client tag
    assertThat(f.chat("m").statusCode()).isEqualTo(401);
    assertThat(value(scrape(), "failover_proxy_requests_seconds_count", "client",
        "unauthenticated", "status", "4xx")).isEqualTo(1);
    // the proxy's own endpoints are not counted as requests
    assertThat(scrape().keySet()).noneMatch(s -> "/metrics".equals(s.labels().get("path")));
  }
}
