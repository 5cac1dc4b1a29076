package io.github.failover4j.http.jdk;

import io.github.failover4j.fixtures.Compressed;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ResponseView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK prober on its own: what it sends, what it reads, how it fails. */
class JdkProberTest {
  private static final String TOKEN = "sk-probe-token-00000000001";
  private static final Duration WAIT = Duration.ofSeconds(TestClock.WAIT_SECONDS);

  private FakeProvider provider;
  private final JdkProber prober = new JdkProber(Fixtures.http());

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider();
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private ProbeRequest probe(URI uri, String token) {
    return probe(uri, token, 64 * 1024);
  }

  private ProbeRequest probe(URI uri, String token, int maxBodyBytes) {
    return new ProbeRequest("POST", uri.resolve("/v1/chat/completions"),
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
        "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5),
        maxBodyBytes);
  }

  @Test
  void sendsTheProbeAndExposesTheAnswer() throws Exception {
    provider.on(TOKEN, (ex, call) -> FakeProvider.respond(ex, 200, "我是 here",
        Map.of("Success", "true")));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN)).toCompletableFuture()
        .get();
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.header("success")).isEqualTo("true");
    assertThat(view.headers("SUCCESS")).containsExactly("true");
    assertThat(view.header("absent")).isNull();
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).isEqualTo("我是 here");
    assertThat(view.body(3)).hasSize(3);

    FakeProvider.Call call = provider.calls().get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.bodyText()).isEqualTo("{\"model\":\"m\"}");
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void readsAtMostTheProbesBodyCap() throws Exception {
    provider.on(TOKEN, FakeProvider.ok("x".repeat(1 << 20)));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN, 100_000)).toCompletableFuture()
        .get();
    assertThat(view.body(Integer.MAX_VALUE)).hasSize(100_000);
  }

  @Test
  void aGzipAnswerIsInflatedForTheConditions() throws Exception {
    provider.on(TOKEN, FakeProvider.encoded(200, Compressed.gzip("我是 here"), "gzip"));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN)).toCompletableFuture().get();
    assertThat(view.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).isEqualTo("我是 here");
  }

  @Test
  void aDeflateAnswerIsInflatedForTheConditions() throws Exception {
    provider.on(TOKEN, FakeProvider.encoded(200, Compressed.zlib("我是 here"), "deflate"));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN)).toCompletableFuture().get();
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).isEqualTo("我是 here");
  }

  @Test
  void aZipBombAnswerCostsTheCap() throws Exception {
    provider.on(TOKEN, FakeProvider.encoded(200, Compression.bomb(), "gzip"));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN, 64 * 1024))
        .toCompletableFuture().get();
    assertThat(view.body(Integer.MAX_VALUE)).hasSize(64 * 1024).containsOnly(0);
  }

  @Test
  void anAnswerInAnEncodingItCannotDecodeShowsAnEmptyBody() throws Exception {
    provider.on(TOKEN, FakeProvider.encoded(200, "我是 here".getBytes(StandardCharsets.UTF_8),
        "br"));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN)).toCompletableFuture().get();
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.body(1 << 20)).isEmpty();
  }

  @Test
  void aCorruptGzipAnswerShowsWhatDecodedAndNoError() throws Exception {
    provider.on(TOKEN, FakeProvider.encoded(200, Compressed.gzipCorrupt("我是 here"), "gzip"));
    ResponseView view = prober.send(probe(provider.uri(), TOKEN)).toCompletableFuture().get();
    assertThat(view.body(1 << 20)).isEmpty();
  }

  @Test
  void aRefusedConnectionCompletesTheStageExceptionallyNamingTheHost() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CompletableFuture<ResponseView> sent =
        prober.send(probe(URI.create("http://127.0.0.1:" + port), TOKEN)).toCompletableFuture();
    assertThat(sent).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ConnectException.class)
        // not the JDK's "java.net.ConnectException: null": the host it could not reach
        .withMessageStartingWith("cannot connect to 127.0.0.1:" + port);
  }

  @Test
  void aHeaderTheJdkRefusesFailsTheStageWithoutShowingTheToken() {
    String bad = "sk-has-a-newline\nX-Injected: yes";
    CompletableFuture<ResponseView> sent =
        prober.send(probe(provider.uri(), bad)).toCompletableFuture();
    assertThat(sent).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-has-a-newline"));
    assertThat(provider.calls()).isEmpty();
  }
}
