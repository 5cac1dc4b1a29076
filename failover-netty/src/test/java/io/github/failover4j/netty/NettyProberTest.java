package io.github.failover4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ResponseView;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
    return prober.send(r).toCompletableFuture().get(10, TimeUnit.SECONDS);
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
  void aRefusedConnectionFailsTheStage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    NettyProber prober = NettyProber.builder(group).build();
    assertThatThrownBy(() -> send(prober, probe(URI.create("http://127.0.0.1:" + port + "/p"),
        Duration.ofSeconds(5)))).isInstanceOf(ExecutionException.class);
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
}
