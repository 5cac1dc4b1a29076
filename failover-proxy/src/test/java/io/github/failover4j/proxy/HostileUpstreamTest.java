package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.FaultUpstream.SSE_HEAD;
import static io.github.failover4j.proxy.FaultUpstream.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.test.ManualClock;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy against hostile clients and broken upstreams, on raw sockets (issue 9): request
 * smuggling, silent and stalling upstreams, streams that break, huge heads, echoed credentials,
 * pooled-connection resets. Each case names the defect it guards against. Upstreams are {@link
 * FaultUpstream}s; engine time and the proxy's timeouts run on a {@link ManualClock}.
 */
class HostileUpstreamTest {
  static final String TOKEN = "sk-hostile-0000000000000000001";
  static final String OTHER = "sk-hostile-0000000000000000002";
  static final String CHAT = "{\"model\":\"m\",\"messages\":[]}";
  static final FailoverConfig PLAIN = FailoverConfig.builder().conditions(Condition.status(429))
      .build();
  static final FailoverConfig RETRY = FailoverConfig.builder().conditions(Condition.status(429))
      .failureThreshold(1000)
      .retry(RetryPolicy.of(1)).build();
  static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2),
      null, Duration.ofSeconds(3));

  final ManualClock clock = new ManualClock();
  final List<AutoCloseable> toClose = new ArrayList<>();
  FaultUpstream up;
  FailoverProxy proxy;
  /** The proxy's event loops; one unless a test needs connections on different loops. */
  int threads = 1;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofSeconds(2)).join();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  FailoverProxy start(FaultUpstream.Script script, FailoverConfig config, Timeouts timeouts,
      Limits limits, String... tokens) throws Exception {
    up = new FaultUpstream(script);
    toClose.add(up);
    List<TokenSpec> specs = new ArrayList<>();
    for (String t : tokens.length == 0 ? new String[] {TOKEN} : tokens) {
      specs.add(TokenSpec.of(t));
    }
    GatewayConfig gateway = new GatewayConfig(null, List.of(new ProviderConfig("test", up.uri(),
        "/", Auth.BEARER, specs, config, timeouts)), ClientLimits.DEFAULTS, limits);
    proxy = FailoverProxy.builder(gateway).listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock).ticker(clock).threads(threads).start();
    return proxy;
  }

  FailoverProxy start(FaultUpstream.Script script) throws Exception {
    return start(script, PLAIN, SHORT, Limits.DEFAULT);
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.address().getPort());
    s.setSoTimeout(10_000); // a safety net only: every test ends well before
    toClose.add(s);
    return s;
  }

  static void send(Socket s, String raw) throws IOException {
    s.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  /** Everything the proxy sends until it closes the connection. */
  static String readToEnd(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** One response: head and body as its head frames it. */
  static String[] readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    String head = FaultUpstream.readHead(in);
    return new String[] {head, FaultUpstream.readBody(head, in)};
  }

  static String post(String path, String body, String extraHeaders) {
    return "POST " + path + " HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\n"
        + extraHeaders + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body;
  }

  /** Waits (with a deadline) until a timer is armed to fire {@code d} from now. */
  void awaitDue(Duration d) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!clock.pendingDueTimes().contains(clock.nanoTime() + d.toNanos())) {
      assertThat(System.nanoTime() - deadline).as("timer armed within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  /**
   * Runs {@code read} while moving the clock on in small steps: a timer that fired early
   * reschedules itself from the event loop, possibly after {@link ManualClock#advance} returned
   * (and then a little later than asked, as the clock moved between the loop's reading of it
   * and the scheduling). The test asserts what the client got, not the exact time it took.
   */
  <T> T whileTicking(java.util.concurrent.Callable<T> read) throws Exception {
    java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(read);
    Thread t = new Thread(task, "reader");
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!task.isDone()) {
      assertThat(System.nanoTime() - deadline).as("read within 10 s").isNegative();
      clock.advance(Duration.ofMillis(100));
      Thread.onSpinWait();
    }
    return task.get();
  }

  // ---------------------------------------------------------------- item 1: smuggling

  /** The body of the attacker's request is a request of its own, with an open header line. */
  static final String SMUGGLED = "GET /v1/smuggled HTTP/1.1\r\nHost: up\r\nX-Swallow: ";

  void assertNoSmuggling(String attack) throws Exception {
    start(FaultUpstream.ok("{\"ok\":1}"));
    Socket attacker = connect();
    send(attacker, attack);
    // The client side refuses the head outright (RequestChecks); the proxy's own framing
    // toward the upstream is the second line of defence, tested on the requests it relays.
    String[] answer = readResponse(attacker);
    assertThat(answer[0]).startsWith("HTTP/1.1 400");

    Socket victim = connect(); // same event loop, so the same pooled upstream connection
    send(victim, post("/v1/chat/completions", CHAT, "Authorization: Bearer client-key\r\n"));
    assertThat(readResponse(victim)[0]).startsWith("HTTP/1.1 200");
    FaultUpstream.Request second = up.take();
    assertThat(second.requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
    assertThat(second.body()).isEqualTo(CHAT);
    assertThat(second.header("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(up.drain()).as("nothing of the attacker's reached the upstream").isEmpty();
    attacker.setSoTimeout(2_000);
    assertThat(attacker.getInputStream().read()).as("the attacker's connection is closed")
        .isEqualTo(-1);
    assertThat(up.connections()).isEqualTo(1); // and the connection stayed pooled and clean
  }

  @Test
  void aConnectionHeaderNamingContentLengthSmugglesNothing() throws Exception {
    assertNoSmuggling(post("/v1/chat/completions", SMUGGLED,
        "Connection: keep-alive, content-length\r\n"));
  }

  @Test
  void aConnectionHeaderNamingTransferEncodingSmugglesNothing() throws Exception {
    assertNoSmuggling("POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\n"
        + "Connection: keep-alive, transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunk(SMUGGLED) + "0\r\n\r\n");
  }

  @Test
  void aBodylessRequestGoesUpstreamWithoutFramingHeaders() throws Exception {
    start(FaultUpstream.ok("{}"));
    Socket c = connect();
    send(c, "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n\r\n");
    readResponse(c);
    FaultUpstream.Request r = up.take();
    assertThat(r.header("content-length")).isNull();
    assertThat(r.header("transfer-encoding")).isNull();
  }

  // ---------------------------------------------------------------- item 12: credentials, paths

  @Test
  void noClientCredentialIsForwarded() throws Exception {
    start(FaultUpstream.ok("{}"));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, "Authorization: Bearer client-key\r\n"
        + "X-Api-Key: client-x\r\napi-key: client-azure\r\nCookie: session=client\r\n"
        + "Proxy-Authorization: Basic Y2xpZW50\r\nX-Goog-Api-Key: client-g\r\n"
        + "X-Kept: yes\r\n"));
    readResponse(c);
    FaultUpstream.Request r = up.take();
    assertThat(r.head()).doesNotContain("client-").doesNotContain("Y2xpZW50");
    assertThat(r.header("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(r.header("x-kept")).isEqualTo("yes");
  }

  @Test
  void dotSegmentsAreResolvedBeforeRoutingAndForwarding() throws Exception {
    start(FaultUpstream.ok("{}"));
    Socket c = connect();
    send(c, "GET /v1/../../etc/%2e%2e/passwd/./x HTTP/1.1\r\nHost: proxy\r\n\r\n");
    readResponse(c);
    assertThat(up.take().requestLine()).isEqualTo("GET /passwd/x HTTP/1.1");
  }

  @Test
  void anHttp10ClientGetsNoChunkedCoding() throws Exception {
    start((r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + chunk("{\"a\":") + chunk("1}") + "0\r\n\r\n");
      return true;
    });
    Socket c = connect();
    send(c, "GET /v1/models HTTP/1.0\r\nHost: proxy\r\n\r\n");
    String all = readToEnd(c); // close-delimited: the proxy closes after the body
    assertThat(all).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("chunked")
        .endsWith("\r\n\r\n{\"a\":1}");
  }

  @Test
  void anUpstreamThatEchoesHeadersHandsTheClientNeitherCredentialNorToken() throws Exception {
    start(FaultUpstream.echo());
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, "X-Api-Key: client-x\r\n"));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 400");
    assertThat(r[1]).doesNotContain("client-x").doesNotContain(TOKEN)
        .contains("Bearer " + "*".repeat(TOKEN.length())); // masked, same length
    assertThat(r[1]).hasSize(Integer.parseInt(FaultUpstream.readHeadHeader(r[0],
        "content-length")));
  }

  // ---------------------------------------------------------------- item 2: timeouts

  @Test
  void aSilentUpstreamGets504AfterTheResponseTimeoutAndIsNeverSentItTwice() throws Exception {
    start(null);
    up.script(up.hang());
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    up.take();
    awaitDue(SHORT.response());
    clock.advance(SHORT.response());
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 504");
    assertThat(r[1]).contains("upstream_timeout");
    clock.advance(Duration.ofMinutes(3)); // a long silence later: still sent only once
    assertThat(up.drain()).isEmpty();
    assertThat(proxy.registry().pool("test").snapshot().get(0).consecutiveFailures()).isZero();
  }

  @Test
  void aTimeoutIsRetriedOnAnotherTokenWithinTheBudget() throws Exception {
    FailoverConfig retry = RETRY;
    start(null, retry, SHORT, Limits.DEFAULT, TOKEN, OTHER);
    up.script((r, s, out) -> {
      if (r.header("authorization").endsWith(TOKEN)) {
        return up.hang().answer(r, s, out);
      }
      return FaultUpstream.ok("{\"from\":\"other\"}").answer(r, s, out);
    });
    Socket c = connect();
    // round robin: make sure the first attempt is the hanging token by sending until it is
    send(c, post("/v1/chat/completions", CHAT, ""));
    FaultUpstream.Request first = up.take();
    if (first.header("authorization").endsWith(OTHER)) {
      readResponse(c);
      send(c, post("/v1/chat/completions", CHAT, ""));
      first = up.take();
    }
    assertThat(first.header("authorization")).endsWith(TOKEN);
    awaitDue(SHORT.response());
    clock.advance(SHORT.response());
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("other");
    assertThat(up.take().header("authorization")).endsWith(OTHER);
  }

  @Test
  void aPooledConnectionResetAfterTheRequestDoesNotSendItTwice() throws Exception {
    start((r, s, out) -> {
      if (r.nthOnConnection() == 1) {
        return FaultUpstream.ok("{}").answer(r, s, out);
      }
      s.setSoLinger(true, 0); // the second request on the connection: read, then reset
      s.close();
      return false;
    });
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    send(c, post("/v1/chat/completions", CHAT, ""));
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 502");
    assertThat(up.drain()).hasSize(2); // once each: the reset one was not sent again
  }

  // ---------------------------------------------------------------- item 3: streams

  /** Reads a chunked stream until the proxy closes it; asserts it has no final chunk. */
  static String brokenStream(Socket c) throws IOException {
    String all = readToEnd(c);
    assertThat(all).startsWith("HTTP/1.1 200").contains("text/event-stream");
    assertThat(all).as("no final chunk").doesNotContain("\r\n0\r\n\r\n");
    assertThat(all).contains("\"type\":\"upstream_error\"");
    return all;
  }

  @Test
  void aStreamThatStallsPastIdleEndsWithAnErrorEventAndNoFinalChunk() throws Exception {
    start(null);
    up.script(up.stallAfter(SSE_HEAD, chunk("data: {\"x\":\"Hel\"}\n\n")));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    InputStream in = c.getInputStream();
    String head = FaultUpstream.readHead(in);
    assertThat(head).startsWith("HTTP/1.1 200");
    assertThat(FaultUpstream.line(in)).isNotEmpty(); // the first chunk's size: it went out
    clock.advance(SHORT.idle());
    String rest = whileTicking(() -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    assertThat(rest).contains("Hel").contains("\"type\":\"upstream_error\"")
        .doesNotContain("\r\n0\r\n\r\n");
  }

  @Test
  void aBodyThatStallsPastIdleIsCutShortOfItsContentLength() throws Exception {
    start(null);
    up.script(up.stallAfter("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n", "{\"partial\":"));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    InputStream in = c.getInputStream();
    String head = FaultUpstream.readHead(in);
    assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: 100");
    clock.advance(SHORT.idle());
    String body = whileTicking(() -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    assertThat(body).isEqualTo("{\"partial\":"); // then closed: 11 of 100 bytes, not complete
  }

  @Test
  void aStreamResetMidwayEndsWithAnErrorEventAndNoFinalChunk() throws Exception {
    start(FaultUpstream.resetAfter(SSE_HEAD, chunk("data: {\"x\":\"Hel\"}\n\n")));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    assertThat(brokenStream(c)).contains("Hel");
  }

  @Test
  void aStreamWithoutItsFinalChunkIsNotRelayedAsComplete() throws Exception {
    start(FaultUpstream.closeAfter(SSE_HEAD, chunk("data: {\"x\":\"Hel\"}\n\n")));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    assertThat(brokenStream(c)).contains("Hel");
  }

  @Test
  void aStreamSilentBeforeItsFirstByteIsRetriedOnAnotherToken() throws Exception {
    FailoverConfig retry = RETRY;
    Timeouts firstByte = new Timeouts(SHORT.connect(), SHORT.response(), Duration.ofSeconds(1),
        SHORT.idle());
    start(null, retry, firstByte, Limits.DEFAULT, TOKEN, OTHER);
    up.script((r, s, out) -> {
      if (r.header("authorization").endsWith(TOKEN)) {
        return up.stallAfter(SSE_HEAD, "").answer(r, s, out);
      }
      FaultUpstream.write(out, SSE_HEAD + chunk("data: {\"x\":\"other\"}\n\n")
          + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
      return true;
    });
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    FaultUpstream.Request first = up.take();
    if (first.header("authorization").endsWith(OTHER)) { // round robin started elsewhere
      readResponse(c);
      send(c, post("/v1/chat/completions", CHAT, ""));
      first = up.take();
    }
    awaitDue(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("other").contains("[DONE]").doesNotContain("upstream_error");
  }

  @Test
  void aStreamWhoseFirstEventIsAnErrorIsRetriedBeforeAByteGoesOut() throws Exception {
    FailoverConfig retry = FailoverConfig.builder()
        .conditions(Condition.body("\"error\"")).failureThreshold(1000)
        .retry(RetryPolicy.of(1)).build();
    start(null, retry, SHORT, Limits.DEFAULT, TOKEN, OTHER);
    up.script((r, s, out) -> {
      String data = r.header("authorization").endsWith(TOKEN)
          ? "data: {\"error\":{\"message\":\"quota\"}}\n\n" : "data: {\"x\":\"fine\"}\n\n";
      FaultUpstream.write(out, SSE_HEAD + chunk(data) + "0\r\n\r\n");
      return true;
    });
    for (int i = 0; i < 2; i++) { // whichever token goes first, the client sees "fine"
      Socket c = connect();
      send(c, post("/v1/chat/completions", CHAT, ""));
      String[] r = readResponse(c);
      assertThat(r[0]).startsWith("HTTP/1.1 200");
      assertThat(r[1]).contains("fine").doesNotContain("quota");
    }
  }

  // ---------------------------------------------------------------- item 6: huge heads

  @Test
  void anUpstreamHeadOver64KiBIs502NotAFake200() throws Exception {
    start(FaultUpstream.hugeHead(70 << 10));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 502");
    assertThat(r[1]).contains("upstream_bad_response");
  }

  @Test
  void anUpstreamHeadOf32KiBIsRelayed() throws Exception {
    start(FaultUpstream.hugeHead(32 << 10));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).isEqualTo("{}");
  }

  // ---------------------------------------------------------------- item 4: the pool's leak

  @Test
  void reusingAPooledConnectionRetainsNoListener() throws Exception {
    start(FaultUpstream.ok("{}"));
    Socket c = connect();
    for (int i = 0; i < 300; i++) {
      send(c, "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n\r\n");
      assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    }
    assertThat(up.connections()).isEqualTo(1);
    Channel pooled = awaitPooled();
    assertThat(closeListeners(pooled)).as("listeners on the pooled connection")
        .isLessThanOrEqualTo(2);
    assertThat(proxy.connections().open()).isEqualTo(1);
  }

  Channel awaitPooled() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Channel[] idle = proxy.connections().idleConnections();
      if (idle.length == 1) {
        return idle[0];
      }
      assertThat(System.nanoTime() - deadline).as("connection pooled within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  /** The listeners Netty keeps on {@code ch}'s close future, read from its fields. */
  static int closeListeners(Channel ch) throws ReflectiveOperationException {
    Object future = ch.closeFuture();
    Class<?> promise = io.netty.util.concurrent.DefaultPromise.class;
    Field one = promise.getDeclaredField("listener");
    Field many = promise.getDeclaredField("listeners");
    one.setAccessible(true);
    many.setAccessible(true);
    if (many.get(future) != null) {
      Object l = many.get(future);
      Field size = l.getClass().getDeclaredField("size");
      size.setAccessible(true);
      return (int) size.get(l);
    }
    return one.get(future) == null ? 0 : 1;
  }

  // ---------------------------------------------------------------- item 9: retry memory

  static final FailoverConfig RETRY_429 = FailoverConfig.builder()
      .conditions(Condition.status(429)).failureThreshold(1000).retry(RetryPolicy.of(1))
      .build();

  /** The first token is out of quota, the other answers; which is first is round robin. */
  FaultUpstream.Script quotaThenOk() {
    return (r, s, out) -> {
      if (r.header("authorization").endsWith(TOKEN)) {
        FaultUpstream.write(out, "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 5\r\n\r\n"
            + "quota");
        return true;
      }
      return FaultUpstream.ok("{\"from\":\"other\"}").answer(r, s, out);
    };
  }

  /** Sends requests with {@code body} until one went first to the exhausted token. */
  String[] firstOnExhaustedToken(String body) throws Exception {
    while (true) {
      Socket c = connect();
      send(c, post("/v1/chat/completions", body, ""));
      String[] r = readResponse(c);
      List<FaultUpstream.Request> got = up.drain();
      if (got.get(0).header("authorization").endsWith(TOKEN)) {
        return r;
      }
    }
  }

  @Test
  void aBodyAtThePerRequestCapIsRetriedAndOneByteMoreIsNot() throws Exception {
    start(null, RETRY_429, SHORT, new Limits(1 << 20, 600, 64 << 10), TOKEN, OTHER);
    up.script(quotaThenOk());
    assertThat(firstOnExhaustedToken("a".repeat(600))[1]).contains("other");
    String[] once = firstOnExhaustedToken("a".repeat(601));
    assertThat(once[0]).startsWith("HTTP/1.1 429");
    assertThat(proxy.retryMemory().used()).isZero();
  }

  @Test
  void bodiesOverTheGlobalRetryMemoryAreSentOnce() throws Exception {
    start(null, RETRY_429, SHORT, new Limits(1000, 800, 64 << 10), TOKEN, OTHER);
    up.script((r, s, out) -> {
      if (r.requestLine().contains("/hold")) {
        return up.hang().answer(r, s, out);
      }
      return quotaThenOk().answer(r, s, out);
    });
    Socket holder = connect(); // keeps 600 bytes of the 1000 while its upstream hangs
    send(holder, post("/v1/hold", "h".repeat(600), ""));
    up.take();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (proxy.retryMemory().used() != 600) {
      assertThat(System.nanoTime() - deadline).isNegative();
      Thread.onSpinWait();
    }
    assertThat(firstOnExhaustedToken("a".repeat(500))[0]).startsWith("HTTP/1.1 429");
    assertThat(firstOnExhaustedToken("a".repeat(400))[1]).contains("other"); // 1000: fits
  }
}
