package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.HostileUpstreamTest.CHAT;
import static io.github.failover4j.proxy.HostileUpstreamTest.OTHER;
import static io.github.failover4j.proxy.HostileUpstreamTest.PLAIN;
import static io.github.failover4j.proxy.HostileUpstreamTest.RETRY;
import static io.github.failover4j.proxy.HostileUpstreamTest.SHORT;
import static io.github.failover4j.proxy.HostileUpstreamTest.TOKEN;
import static io.github.failover4j.proxy.HostileUpstreamTest.post;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static io.github.failover4j.proxy.HostileUpstreamTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The headers the proxy relays, now that it edits the decoded messages in place instead of
 * rebuilding them: on every attempt the upstream gets the client's end-to-end headers once,
 * the attempt's own token and framing, and nothing a {@code Connection} header named; the
 * client gets the upstream's head byte for byte as before, minus its hop-by-hop headers. Raw
 * sockets and {@link FaultUpstream}, through the hostile tests' harness.
 */
class HeaderRelayTest {
  final HostileUpstreamTest h = new HostileUpstreamTest();

  @AfterEach
  void stop() throws Exception {
    h.stop();
  }

  /** The lines of {@code head} whose header name is {@code name}, case-insensitively. */
  static List<String> lines(String head, String name) {
    List<String> out = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        out.add(line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  @Test
  void everyAttemptGetsTheEndToEndHeadersOnceItsOwnTokenAndNoHopByHopHeader() throws Exception {
    int[] n = {0};
    h.start((r, s, out) -> {
      String status = n[0]++ == 0 ? "429 Too Many Requests" : "200 OK";
      FaultUpstream.write(out, "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 2\r\n\r\n{}");
      return true;
    }, RETRY, SHORT, Limits.DEFAULT, TOKEN, OTHER);
    Socket c = h.connect();
    send(c, post("/v1/chat/completions", CHAT, "Connection: keep-alive, X-Hop-Secret, te\r\n"
        + "X-Hop-Secret: hop-value\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
        + "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Kept: yes\r\nx-kept: twice\r\n"
        + "Authorization: Bearer client-key\r\nExpect: 100-continue\r\n"));
    String[] answer = readResponse(c);
    if (answer[0].startsWith("HTTP/1.1 100")) {
      answer = readResponse(c);
    }
    assertThat(answer[0]).startsWith("HTTP/1.1 200");

    FaultUpstream.Request first = h.up.take();
    FaultUpstream.Request second = h.up.take();
    String upstreamHost = h.up.uri().getHost() + ":" + h.up.uri().getPort();
    for (FaultUpstream.Request r : List.of(first, second)) {
      String head = r.head().toLowerCase(Locale.ROOT);
      assertThat(r.requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
      assertThat(head).doesNotContain("hop-value").doesNotContain("x-hop-secret")
          .doesNotContain("keep-alive").doesNotContain("\r\nte:").doesNotContain("upgrade")
          .doesNotContain("proxy-connection").doesNotContain("client-key")
          .doesNotContain("expect").doesNotContain("transfer-encoding")
          .doesNotContain("\r\nconnection:");
      assertThat(lines(r.head(), "x-kept")).containsExactly("yes", "twice");
      assertThat(lines(r.head(), "content-length"))
          .containsExactly(String.valueOf(CHAT.getBytes(StandardCharsets.UTF_8).length));
      assertThat(lines(r.head(), "host")).containsExactly(upstreamHost);
      assertThat(r.body()).isEqualTo(CHAT);
    }
    assertThat(lines(first.head(), "authorization")).containsExactly("Bearer " + TOKEN);
    assertThat(lines(second.head(), "authorization")).containsExactly("Bearer " + OTHER);
  }

  @Test
  void aBodylessRetryGoesUpstreamWithoutFramingHeadersEachTime() throws Exception {
    int[] n = {0};
    h.start((r, s, out) -> {
      String status = n[0]++ == 0 ? "429 Too Many Requests" : "200 OK";
      FaultUpstream.write(out, "HTTP/1.1 " + status + "\r\nContent-Length: 2\r\n\r\n{}");
      return true;
    }, RETRY, SHORT, Limits.DEFAULT, TOKEN, OTHER);
    Socket c = h.connect();
    send(c, "GET /v1/models HTTP/1.0\r\nHost: proxy\r\nConnection: keep-alive\r\n\r\n");
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    for (int i = 0; i < 2; i++) {
      FaultUpstream.Request r = h.up.take();
      assertThat(r.requestLine()).isEqualTo("GET /v1/models HTTP/1.1"); // 1.0 goes up as 1.1
      assertThat(r.header("content-length")).isNull();
      assertThat(r.header("transfer-encoding")).isNull();
      assertThat(r.header("connection")).isNull();
      assertThat(lines(r.head(), "authorization")).hasSize(1);
    }
  }

  /** The response head goes to the client exactly as the proxy framed it before the rewrite. */
  @Test
  void theClientGetsTheUpstreamsHeadWithoutItsHopByHopHeadersByteForByte() throws Exception {
    h.start((r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
          + "Connection: keep-alive, X-Upstream-Hop\r\nX-Upstream-Hop: hop\r\n"
          + "Keep-Alive: timeout=5\r\nX-Kept: k\r\nContent-Length: 8\r\nX-After: a\r\n"
          + "Set-Cookie: s=1\r\n\r\n{\"a\":12}");
      return true;
    }, PLAIN, SHORT, Limits.DEFAULT);
    Socket c = h.connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    String expected = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Kept: k\r\n"
        + "X-After: a\r\nSet-Cookie: s=1\r\ncontent-length: 8\r\n\r\n{\"a\":12}";
    byte[] got = c.getInputStream().readNBytes(expected.length());
    assertThat(new String(got, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
  }

  @Test
  void aChunkedAnswerIsRelayedChunkedWithItsEndToEndHeaders() throws Exception {
    h.start((r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nTrailer: X-T\r\nX-Kept: k\r\n\r\n"
          + FaultUpstream.chunk("{\"a\":") + FaultUpstream.chunk("1}") + "0\r\n\r\n");
      return true;
    }, PLAIN, SHORT, Limits.DEFAULT);
    Socket c = h.connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    InputStream in = c.getInputStream();
    String head = FaultUpstream.readHead(in);
    assertThat(head).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "X-Kept: k\r\ntransfer-encoding: chunked\r\n\r\n");
    assertThat(FaultUpstream.readBody(head, in)).isEqualTo("{\"a\":1}");
  }

  /**
   * The upstream's {@code Connection: close} is gone from the head the client gets, but the
   * proxy still honours it: that connection is not reused.
   */
  @Test
  void anUpstreamConnectionThatSaidCloseIsNotReused() throws Exception {
    h.start((r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n"
          + "\r\n{}");
      return true; // but keeps reading: only the proxy's own rule keeps it from reusing this
    }, PLAIN, SHORT, Limits.DEFAULT);
    Socket c = h.connect();
    for (int i = 0; i < 2; i++) {
      send(c, post("/v1/chat/completions", CHAT, ""));
      String[] answer = readResponse(c);
      assertThat(answer[0]).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection");
    }
    assertThat(h.up.take().connection()).isEqualTo(1);
    assertThat(h.up.take().connection()).isEqualTo(2);
  }

  /**
   * Every attempt reuses the client's request: when a route falls back to another provider,
   * the first provider's auth header (not one of the client credentials the proxy always
   * drops) must not go along with that provider's token.
   */
  @Test
  void aFallbackToAnotherProviderCarriesNoTokenOfTheFirst() throws Exception {
    RoutesProxyTest routes = new RoutesProxyTest();
    try {
      routes.start(RoutesProxyTest.status(503, "{}"), RoutesProxyTest.answersWithItsModel("b"),
          "auth: {header: X-Custom-Key, scheme: \"\"}\n" + RoutesProxyTest.RULES,
          RoutesProxyTest.BIG_TO_BACKUP);
      String[] r = routes.chat(RoutesProxyTest.CHAT);
      assertThat(r[0]).startsWith("HTTP/1.1 200");
      List<FaultUpstream.Request> tried = routes.primary.drain();
      assertThat(tried).hasSize(2).allSatisfy(t -> {
        assertThat(lines(t.head(), "x-custom-key")).hasSize(1);
        assertThat(t.header("authorization")).isNull();
      });
      assertThat(tried.stream().map(t -> t.header("x-custom-key")))
          .containsExactlyInAnyOrder(RoutesProxyTest.P1, RoutesProxyTest.P2);
      FaultUpstream.Request sent = routes.backup.take();
      assertThat(sent.head()).doesNotContainIgnoringCase("x-custom-key")
          .doesNotContain(RoutesProxyTest.P1).doesNotContain(RoutesProxyTest.P2);
      assertThat(lines(sent.head(), "authorization")).containsExactly("Bearer " + RoutesProxyTest.B1);
      assertThat(lines(sent.head(), "host")).containsExactly(
          routes.backup.uri().getHost() + ":" + routes.backup.uri().getPort());
    } finally {
      routes.stop();
    }
  }

  /**
   * The client's writes are flushed once per upstream read batch: a body the upstream cuts
   * short still reaches the client as far as it came, then the close.
   */
  @Test
  void aBodyTheUpstreamCutsShortGoesOutAsFarAsItCameThenTheClose() throws Exception {
    h.start(FaultUpstream.closeAfter("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n", "{\"partial\":"), PLAIN, SHORT, Limits.DEFAULT);
    Socket c = h.connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    String all = new String(c.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(all).startsWith("HTTP/1.1 200").contains("content-length: 100\r\n\r\n")
        .endsWith("\r\n\r\n{\"partial\":");
  }
}
