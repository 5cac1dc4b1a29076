package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.test.ManualClock;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.TokenEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The engine example of docs/embedding.md, verbatim, so it compiles, runs and cannot drift;
 * and the configuration examples of docs/configuration.md, parsed.
 */
class ReadmeExampleTest {

  /** The README's stand-in for an HTTP library's response. */
  // README-response:begin
  record Response(int status, String body) implements ResponseView {
    static Response of(int status, String body) {
      return new Response(status, body);
    }

    @Override
    public String header(String name) {
      return null;
    }

    @Override
    public byte[] body(int maxBytes) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      return java.util.Arrays.copyOf(b, Math.min(maxBytes, b.length));
    }
  }
  // README-response:end

  @Test
  void embeddingExampleRuns() {
    // README:begin
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure:
            failureThreshold: 3
            conditions:
              - status_code: [403]
                headers: ["failure=true"]
              - status_code: [502, 503]
              - body: "No quota available"
          healthCheck:
            periodSeconds: 10
            successThreshold: 1
            model: gpt-4o-mini
            conditions:
              - status_code: [200]
        """);

    ManualClock clock = new ManualClock();                     // tests drive time by hand
    ProbeTransport prober = probe ->                           // a provider that has recovered
        CompletableFuture.completedFuture(Response.of(200, "{\"choices\":[]}"));
    List<TokenEvent> events = new ArrayList<>();

    TokenPool pool = TokenPool.builder("openai")
        .tokens("sk-proj-aaaaaaaaaaaaaaaa1111", "sk-proj-bbbbbbbbbbbbbbbb2222",
            "sk-proj-cccccccccccccccc3333")
        .config(config)
        .upstream(URI.create("https://api.openai.com"))
        .scheduler(clock).ticker(clock).prober(prober)         // or .transport(Transports.open("jdk"))
        .listener(events::add)
        .build();

    // the request path: select, send with token.authorization(), report the response
    TokenHandle token = pool.select();
    for (int i = 0; i < 3; i++) {
      token.report(Response.of(429, "{\"error\":\"No quota available\"}"));
    }
    // three consecutive failures: the token is out of rotation
    TokenState afterFailures = pool.snapshot().get(0).state();     // EJECTED

    clock.advance(Duration.ofSeconds(11));                     // the probe runs and passes
    TokenState afterProbe = pool.snapshot().get(0).state();        // HEALTHY
    // events: EJECTED, PROBE_PASSED, RESTORED — with the masked id sk-…1111, never the token
    // README:end
    assertThat(afterFailures).isEqualTo(TokenState.EJECTED);
    assertThat(afterProbe).isEqualTo(TokenState.HEALTHY);

    assertThat(events).extracting(TokenEvent::kind).containsExactly(TokenEvent.Kind.EJECTED,
        TokenEvent.Kind.PROBE_PASSED, TokenEvent.Kind.RESTORED);
    assertThat(events).allSatisfy(e -> assertThat(e.tokenId()).isEqualTo("sk-…1111"));
    assertThat(token.authorization()).isEqualTo("Bearer sk-proj-aaaaaaaaaaaaaaaa1111");
  }

  @Test
  void readmeConfigurationExamplesParse() throws IOException {
    String readme = Files.readString(Path.of("../docs/configuration.md"));
    FailoverConfig seed = FailoverConfig.parse(
        Snippets.blockContaining(readme, "yaml", "consecutive failures that eject"));
    assertThat(seed.failure().conditions()).hasSize(3);
    assertThat(seed.retry().retryOnStatus()).containsExactlyInAnyOrder(429, 503);
    FailoverConfig higress = FailoverConfig.parse(
        Snippets.blockContaining(readme, "yaml", "healthCheckInterval: 5000"));
    assertThat(higress.failure().conditions().get(0).statusCodes()).hasSize(200);
    assertThat(higress.healthCheck().model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void readmeShowsThisVeryCode() throws IOException {
    Path test = Path.of("src/test/java/io/github/failover4j/core/ReadmeExampleTest.java");
    assertThat(Snippets.between(Files.readString(test), "// README:begin", "// README:end"))
        .isEqualTo(Snippets.blockContaining(Files.readString(Path.of("../docs/embedding.md")), "java",
            "TokenPool.builder(\"openai\")"));
  }
}
