package io.github.failover4j.netty;

import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.fixtures.Compressed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.netty.testing.TestUpstream.SelfSigned;
import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ResponseView;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NettyProberTest {
  static final String TOKEN = "sk-probe-0123456789abcdef";

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final TestUpstream upstream = newUpstream();

  static TestUpstream newUpstream() {
    try {
      return new TestUpstream();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    upstream.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  ProbeRequest probe(URI uri, Duration timeout) {
    return probe(uri, timeout, 64 * 1024);
  }

  ProbeRequest probe(URI uri, Duration timeout, int maxBodyBytes) {
    return new ProbeRequest("POST", uri, Map.of("Authorization", "Bearer " + TOKEN,
        "Content-Type", "application/json"),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"你是谁?\"}]}"
            .getBytes(StandardCharsets.UTF_8), timeout, maxBodyBytes);
  }

  ResponseView send(NettyProber prober, ProbeRequest r) throws Exception {
    return prober.send(r).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void sendsTheProbeAndReturnsStatusHeadersAndBody() throws Exception {
    NettyProber prober = NettyProber.builder(group).build();
    ResponseView view = send(prober, probe(upstream.uri().resolve("/v1/chat/completions?x=1"),
        Duration.ofSeconds(5)));
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.header("content-TYPE")).isEqualTo("application/json");
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).contains("我是");

    TestUpstream.Received got = upstream.take();
    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.path()).isEqualTo("/v1/chat/completions?x=1");
    assertThat(got.token()).isEqualTo(TOKEN);
    assertThat(got.isProbe()).isTrue();
    assertThat(got.header("host")).isEqualTo("127.0.0.1:" + upstream.uri().getPort());
  }

  @Test
  void keepsAtMostTheBodyCap() throws Exception {
    NettyProber prober = NettyProber.builder(group).build();
    ResponseView view = send(prober, probe(upstream.uri().resolve("/p"), Duration.ofSeconds(5),
        10));
    assertThat(view.body(1 << 20)).hasSize(10);
    assertThat(view.body(4)).hasSize(4);
  }

  @Test
  void aRefusedConnectionFailsTheStageNamingTheHost() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    NettyProber prober = NettyProber.builder(group).build();
    assertThatThrownBy(() -> send(prober, probe(URI.create("http://127.0.0.1:" + port + "/p"),
        Duration.ofSeconds(5)))).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(java.net.ConnectException.class)
        // names the host it could not reach (a log line says which provider and token)
        .hasMessageStartingWith("cannot connect to 127.0.0.1:" + port);
  }

  @Test
  void aProbeThatGetsNoAnswerTimesOut() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    upstream.on(TOKEN, TestUpstream.slow(never));
    NettyProber prober = NettyProber.builder(group).build();
    try {
      assertThatThrownBy(() -> send(prober, probe(upstream.uri().resolve("/p"),
          Duration.ofMillis(100)))).hasCauseInstanceOf(TimeoutException.class);
    } finally {
      never.countDown();
    }
  }

  @Test
  void aBadUriFailsTheStageInsteadOfThrowing() {
    NettyProber prober = NettyProber.builder(group).build();
    assertThat(prober.send(probe(URI.create("ftp://example.com/x"), Duration.ofSeconds(1)))
        .toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void itsDescriptionShowsNoToken() {
    assertThat(probe(upstream.uri(), Duration.ofSeconds(1)).toString()).doesNotContain(TOKEN);
    assertThat(NettyProber.builder(group).build().toString()).doesNotContain(TOKEN);
  }

  // ---------------------------------------------------------------- compressed answers

  /** Answers 200 with {@code body} as is, under {@code Content-Encoding: encoding}. */
  static TestUpstream.Behaviour encoded(String encoding, byte[] body) {
    return (r, ex) -> {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Content-Encoding", encoding);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    };
  }

  @Test
  void aGzipAnswerIsInflatedForTheHealthCheck() throws Exception {
    String json = TestUpstream.completion("我是 a gzip'd model");
    upstream.on(TOKEN, encoded("gzip", Compressed.gzip(json)));
    NettyProber prober = NettyProber.builder(group).build();
    ResponseView view = send(prober, probe(upstream.uri().resolve("/p"), Duration.ofSeconds(5)));
    assertThat(view.header("content-encoding")).isEqualTo("gzip");
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).isEqualTo(json);
  }

  @Test
  void anAnswerInAnEncodingItCannotDecodeHasNoBodyForTheHealthCheck() throws Exception {
    upstream.on(TOKEN, encoded("br", Compressed.utf8(TestUpstream.completion("我是"))));
    NettyProber prober = NettyProber.builder(group).build();
    ResponseView view = send(prober, probe(upstream.uri().resolve("/p"), Duration.ofSeconds(5)));
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.body(1 << 20)).isEmpty();
  }

  @Test
  void aCorruptGzipAnswerIsJudgedOnWhatDecodedBeforeTheBreak() throws Exception {
    upstream.on(TOKEN, encoded("gzip", Compressed.gzipCorruptAfter("我是 half a model")));
    NettyProber prober = NettyProber.builder(group).build();
    ResponseView view = send(prober, probe(upstream.uri().resolve("/p"), Duration.ofSeconds(5)));
    assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8))
        .isEqualTo("我是 half a model");
  }

  static final String TEXT = "我是 a model. ".repeat(100);

  /** An answer whose head and half a gzip body arrived; the inflater is busy. */
  static EmbeddedChannel halfAnswered(NettyProber.ResponseReader reader) {
    EmbeddedChannel ch = new EmbeddedChannel(reader);
    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.OK);
    head.headers().set("Content-Encoding", "gzip");
    ch.writeInbound(head);
    byte[] gz = Compressed.gzip(TEXT);
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(gz, 0, gz.length / 2)));
    assertThat(reader.body().holdsInflater()).isTrue();
    return ch;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"close", "exception"})
  void theInflaterIsReleasedWhenTheConnectionEndsMidBody(String how) {
    CompletableFuture<ResponseView> result = new CompletableFuture<>();
    NettyProber.ResponseReader reader = new NettyProber.ResponseReader(result, 64 * 1024);
    EmbeddedChannel ch = halfAnswered(reader);
    if (how.equals("close")) {
      ch.close();
    } else {
      ch.pipeline().fireExceptionCaught(new IOException("reset"));
    }
    assertThat(reader.body().holdsInflater()).isFalse();
    assertThat(result).isCompletedExceptionally();
    ch.finishAndReleaseAll();
  }

  @Test
  void theInflaterIsReleasedWhenTheBodyEndsBeforeTheStream() {
    CompletableFuture<ResponseView> result = new CompletableFuture<>();
    NettyProber.ResponseReader reader = new NettyProber.ResponseReader(result, 64 * 1024);
    EmbeddedChannel ch = halfAnswered(reader);
    ch.writeInbound(new DefaultLastHttpContent());
    assertThat(reader.body().holdsInflater()).isFalse();
    assertThat(new String(result.join().body(1 << 20), StandardCharsets.UTF_8))
        .as("what decoded before the body ended").startsWith("我是 a model")
        .satisfies(s -> assertThat(TEXT).startsWith(s));
    ch.finishAndReleaseAll();
  }

  // ---------------------------------------------------------------- https

  /** Generous: a first TLS handshake on a busy machine loads and warms a lot of code. */
  static final Duration TLS_TIMEOUT = Duration.ofSeconds(10);

  /** Asserts the probe failed because the server's certificate was rejected in the handshake. */
  static void assertCertificateRejected(Throwable thrown) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    assertThat(chain).as("causes of %s", thrown)
        .anyMatch(SSLHandshakeException.class::isInstance)
        .anyMatch(CertificateException.class::isInstance);
  }

  @Test
  void sendsAProbeOverHttpsAndReadsTheAnswer() throws Exception {
    SelfSigned cert = SelfSigned.localhost();
    try (TestUpstream https = TestUpstream.https(cert)) {
      NettyProber prober = NettyProber.builder(group).sslContext(cert.trustingClient()).build();
      ResponseView view = send(prober, probe(https.uri().resolve("/v1/chat/completions"),
          TLS_TIMEOUT));
      assertThat(view.status()).isEqualTo(200);
      assertThat(view.header("content-type")).isEqualTo("application/json");
      assertThat(new String(view.body(1 << 20), StandardCharsets.UTF_8)).contains("我是");

      TestUpstream.Received got = https.take();
      assertThat(got.isProbe()).isTrue();
      assertThat(got.token()).isEqualTo(TOKEN);
      assertThat(got.path()).isEqualTo("/v1/chat/completions");
      assertThat(got.header("host")).isEqualTo("127.0.0.1:" + https.uri().getPort());
    }
  }

  @Test
  void aProbeToAHostTheCertificateDoesNotNameFails() throws Exception {
    SelfSigned cert = SelfSigned.localhostNameOnly(); // no IP address among its names
    try (TestUpstream https = TestUpstream.https(cert)) {
      NettyProber prober = NettyProber.builder(group).sslContext(cert.trustingClient()).build();
      // trusted under its name: only the name can make the next probe fail
      assertThat(send(prober, probe(https.uri("localhost").resolve("/p"), TLS_TIMEOUT))
          .status()).isEqualTo(200);
      assertThat(https.take().token()).isEqualTo(TOKEN);

      assertThatThrownBy(() -> send(prober, probe(https.uri().resolve("/p"), TLS_TIMEOUT)))
          .isInstanceOf(ExecutionException.class)
          .satisfies(NettyProberTest::assertCertificateRejected);
      assertThat(https.drain()).isEmpty(); // nothing, the token least of all, was sent
    }
  }

  @Test
  void hostNamesAreVerifiedEvenWithAContextThatDoesNotAskForIt() throws Exception {
    SelfSigned cert = SelfSigned.localhostNameOnly();
    // a JDK context wrapped as is: Netty sets no endpoint identification algorithm on it
    SslContext wrapped = new JdkSslContext(cert.trustingJdkContext(), true, ClientAuth.NONE);
    try (TestUpstream https = TestUpstream.https(cert)) {
      NettyProber prober = NettyProber.builder(group).sslContext(wrapped).build();
      assertThat(send(prober, probe(https.uri("localhost").resolve("/p"), TLS_TIMEOUT))
          .status()).isEqualTo(200);
      https.take();

      assertThatThrownBy(() -> send(prober, probe(https.uri().resolve("/p"), TLS_TIMEOUT)))
          .isInstanceOf(ExecutionException.class)
          .satisfies(NettyProberTest::assertCertificateRejected);
      assertThat(https.drain()).isEmpty();
    }
  }

  @Test
  void theDefaultContextDoesNotTrustASelfSignedUpstream() throws Exception {
    try (TestUpstream https = TestUpstream.https(SelfSigned.localhost())) {
      NettyProber prober = NettyProber.builder(group).build(); // the JDK's trust store
      assertThatThrownBy(() -> send(prober, probe(https.uri().resolve("/p"), TLS_TIMEOUT)))
          .isInstanceOf(ExecutionException.class)
          .satisfies(NettyProberTest::assertCertificateRejected);
      assertThat(https.drain()).isEmpty();
    }
  }
}
