package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.netty.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Attacks from the client side, on raw sockets (issue 9): smuggling heads, corrupt chunked
 * bodies, oversized and malformed heads, pipelining, slowloris, idle connections, too many
 * connections. Each case says what the proxy must do; add the next attack here.
 */
class HostileClientTest {
  static final String TOKEN = "sk-hostile-client-00000000001";
  static final FailoverConfig RULES = FailoverConfig.builder()
      .conditions(Condition.status(429)).build();

  ProxyHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  ProxyHarness start(ClientLimits limits) throws Exception {
    h = new ProxyHarness(new TestUpstream(), limits, RULES, TOKEN);
    return h;
  }

  ProxyHarness start() throws Exception {
    return start(ClientLimits.DEFAULTS);
  }

  RawClient client() throws Exception {
    return new RawClient(h.port());
  }

  /** Sends {@code request}, expects {@code status} and a close, and that nothing went upstream. */
  void refused(String request, int status) throws Exception {
    try (RawClient c = client()) {
      RawClient.Response r = c.send(request).read();
      assertThat(r.status()).as(request).isEqualTo(status);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(c.closed()).as("closed after " + status).isTrue();
    }
    assertServesAndSawNothingElse();
  }

  /** A good request still works, and it is the only one the upstream has received. */
  void assertServesAndSawNothingElse() throws Exception {
    try (RawClient c = client()) {
      RawClient.Response r = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"model\":\"m\"}")
          .read();
      assertThat(r.status()).isEqualTo(200);
    }
    TestUpstream.Received got = h.upstream.take();
    assertThat(got.body()).isEqualTo("{\"model\":\"m\"}");
    assertThat(h.upstream.drain()).isEmpty();
  }

  // ---------------------------------------------------------------- smuggling (item 1)

  @ParameterizedTest
  @ValueSource(strings = {"content-length", "Transfer-Encoding", "host"})
  void aConnectionHeaderNamingAFramingHeaderOrHostIsRefused(String named) throws Exception {
    start();
    refused("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, " + named
        + "\r\nContent-Length: 5\r\n\r\nhello", 400);
  }

  @Test
  void contentLengthBesideTransferEncodingIsRefused() throws Exception {
    start();
    refused("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5\r\nContent-Length: 6", "5\r\nContent-Length: 5", "5, 5"})
  void repeatedOrDifferingContentLengthsAreRefused(String lengths) throws Exception {
    start();
    refused("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + lengths
        + "\r\n\r\nhello!", 400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip, chunked", "chunked, gzip", "identity",
      "chunked\r\nTransfer-Encoding: chunked", "x-custom, chunked"})
  void aTransferEncodingOtherThanExactlyChunkedIsRefused(String coding) throws Exception {
    start();
    refused("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
        + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
  }

  @Test
  void anHttp11RequestWithoutOrWithTwoHostsIsRefused() throws Exception {
    start();
    refused("GET /v1/models HTTP/1.1\r\n\r\n", 400);
    refused("GET /v1/models HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  }

  // ---------------------------------------------------------------- heads (item 6)

  @Test
  void anOversizedHeadGets431AndAClose() throws Exception {
    start();
    refused("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
        + "\r\n\r\n", 431);
  }

  @Test
  void theHeadLimitIsConfigurable() throws Exception {
    start(new ClientLimits(100, Duration.ofSeconds(10), Duration.ofSeconds(60), 2048));
    refused("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n",
        431);
  }

  @Test
  void anOversizedRequestLineGets414AndAClose() throws Exception {
    start();
    refused("GET /v1/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HELLO\r\n\r\n", "GET / HTTP/1.1\nHost: x\n\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"})
  void aMalformedRequestGets400AndAClose(String request) throws Exception {
    start();
    refused(request, 400);
  }

  @Test
  void anUnknownHttpVersionGets505() throws Exception {
    start();
    refused("GET /v1/models HTTP/1.9\r\nHost: x\r\n\r\n", 505);
  }

  // ---------------------------------------------------------------- corrupt chunks (item 8)

  @ParameterizedTest
  @ValueSource(strings = {"10\r\n{\"model\":\"m\", \"\r\nzz\r\nmore\r\n0\r\n\r\n",
      "5\r\n{\"mod\r\n7\r\nel\":1}XX\r\n0\r\n\r\n"})
  void aCorruptChunkedBodyGets400AndTheUpstreamNeverSeesAWholeRequest(String body)
      throws Exception {
    start();
    refused("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body, 400);
  }

  // ---------------------------------------------------------------- pipelining (item 7)

  @Test
  void pipelinedRequestsAreAllAnsweredInOrder() throws Exception {
    start();
    try (RawClient c = client()) {
      c.send("GET /v1/models?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n"
          + "{\"model\":\"m\"}"
          + "GET /v1/models?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawClient.Response first = c.read();
      RawClient.Response second = c.read();
      RawClient.Response third = c.read();
      RawClient.Response fourth = c.read();
      assertThat(List.of(first.status(), second.status(), third.status(), fourth.status()))
          .containsExactly(200, 200, 200, 200);
      assertThat(second.body()).contains("\"providers\"");
      assertThat(first.body()).doesNotContain("\"providers\"");
      assertThat(c.open()).isTrue();
    }
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      paths.add(h.upstream.take().path());
    }
    assertThat(paths).containsExactly("/v1/models?n=1", "/v1/chat/completions",
        "/v1/models?n=2");
  }

  // ---------------------------------------------------------------- connections (item 5)

  static final ClientLimits SHORT = new ClientLimits(100, Duration.ofMillis(300),
      Duration.ofMillis(300), 16 * 1024);

  @Test
  void aSlowlorisHeadIsCutOffAfterTheHeaderTimeout() throws Exception {
    start(SHORT);
    try (RawClient c = client()) {
      c.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean closed = false;
      int sent = 0;
      while (!closed && System.nanoTime() < deadline) {
        try {
          c.send("X"); // one byte of another header line, every 50 ms, never a whole head
          sent++;
        } catch (java.io.IOException e) {
          closed = true; // reset: the proxy closed the connection
          break;
        }
        closed = c.closedWithin(50);
      }
      assertThat(closed).as("slowloris closed").isTrue();
      assertThat(sent).as("bytes trickled in before the close").isGreaterThan(1);
    }
    assertServesAndSawNothingElse();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws Exception {
    start(SHORT);
    try (RawClient c = client()) {
      assertThat(c.closed()).isTrue();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
    start(SHORT);
    try (RawClient c = client()) {
      assertThat(c.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
          .isEqualTo(200);
      assertThat(c.closed()).isTrue();
    }
    awaitOpenConnections(0);
  }

  /**
   * The connection's timer is not rescheduled per request (one pending task per connection,
   * rescheduling itself when it fires early): after requests were served on it, a head that
   * never ends still gets 408, and an idle connection is still closed.
   */
  @Test
  void theHeadAndKeepAliveTimeoutsStillHoldAfterRequestsWereServed() throws Exception {
    start(SHORT);
    try (RawClient slow = client(); RawClient idle = client()) {
      for (int i = 0; i < 3; i++) {
        assertThat(slow.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read()
            .status()).isEqualTo(200);
        assertThat(idle.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read()
            .status()).isEqualTo(200);
      }
      assertThat(slow.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n").read().status())
          .isEqualTo(408);
      assertThat(slow.closed()).isTrue();
      assertThat(idle.closed()).isTrue();
    }
    awaitOpenConnections(0);
  }

  @Test
  void aConnectionStaysOpenWhileItsRequestIsServed() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    h = new ProxyHarness(new TestUpstream().on(TOKEN, TestUpstream.slow(release)), SHORT, RULES,
        TOKEN);
    try (RawClient c = client()) {
      c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n"
          + "{\"model\":\"m\"}");
      h.upstream.take();
      // far longer than both timeouts: the request is in progress, the upstream rules now
      assertThat(c.closedWithin(1000)).isFalse();
      release.countDown();
      assertThat(c.read().status()).isEqualTo(200);
    } finally {
      release.countDown();
    }
  }

  @Test
  void connectionsOverTheLimitAreAnswered503AndClosed() throws Exception {
    start(new ClientLimits(3, Duration.ofSeconds(30), Duration.ofSeconds(30), 16 * 1024));
    List<RawClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawClient c = client();
        held.add(c);
        assertThat(c.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
            .isEqualTo(200);
      }
      assertThat(h.proxy.openConnections()).isEqualTo(3);
      try (RawClient over = client()) {
        RawClient.Response r = over.read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(over.closed()).isTrue();
      }
      held.remove(0).close();
      awaitOpenConnections(2);
      try (RawClient again = client()) {
        assertThat(again.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read()
            .status()).isEqualTo(200);
      }
    } finally {
      for (RawClient c : held) {
        c.close();
      }
    }
  }

  void awaitOpenConnections(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (h.proxy.openConnections() != n) {
      assertThat(System.nanoTime() - deadline).as("open connections reach " + n).isNegative();
      Thread.onSpinWait();
    }
  }
}
