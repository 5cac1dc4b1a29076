package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.HostileUpstreamTest.PLAIN;
import static io.github.failover4j.proxy.HostileUpstreamTest.RETRY;
import static io.github.failover4j.proxy.HostileUpstreamTest.SHORT;
import static io.github.failover4j.proxy.HostileUpstreamTest.OTHER;
import static io.github.failover4j.proxy.HostileUpstreamTest.TOKEN;
import static io.github.failover4j.proxy.HostileUpstreamTest.post;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static io.github.failover4j.proxy.HostileUpstreamTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Large request bodies, now decoded in pieces of up to 64 KiB and relayed without toggling the
 * client's reads per piece: they still reach the upstream whole, framed by the proxy, on
 * every attempt.
 */
class LargeBodyRelayTest {
  final HostileUpstreamTest h = new HostileUpstreamTest();

  @AfterEach
  void stop() throws Exception {
    h.stop();
  }

  /** A chat completion of exactly {@code bytes} bytes, every byte telling its place. */
  static String body(int bytes) {
    String head = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    String tail = "\"}]}";
    StringBuilder b = new StringBuilder(bytes).append(head);
    for (int i = 0; b.length() < bytes - tail.length(); i++) {
      b.append((char) ('a' + i % 26));
    }
    return b.append(tail).toString();
  }

  @Test
  void aOneMebibyteBodyReachesTheUpstreamWholeOnEveryAttempt() throws Exception {
    int[] n = {0};
    h.start((r, s, out) -> {
      String status = n[0]++ == 0 ? "429 Too Many Requests" : "200 OK";
      FaultUpstream.write(out, "HTTP/1.1 " + status + "\r\nContent-Length: 2\r\n\r\n{}");
      return true;
    }, RETRY, SHORT, Limits.DEFAULT, TOKEN, OTHER);
    String big = body(1 << 20);
    Socket c = h.connect();
    send(c, post("/v1/chat/completions", big, ""));
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    FaultUpstream.Request first = h.up.take(); // sent as it arrived: chunked
    assertThat(first.header("transfer-encoding")).isEqualTo("chunked");
    assertThat(first.body()).isEqualTo(big);
    FaultUpstream.Request retry = h.up.take(); // the kept body, its length known by then
    assertThat(retry.header("content-length")).isEqualTo(String.valueOf(1 << 20));
    assertThat(retry.header("transfer-encoding")).isNull();
    assertThat(retry.body()).isEqualTo(big);
  }

  @Test
  void aLargeChunkedBodyGoesUpChunkedAndWhole() throws Exception {
    h.start(FaultUpstream.ok("{}"), PLAIN, SHORT, Limits.DEFAULT);
    String big = body(300_000);
    StringBuilder raw = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int at = 0; at < big.length(); at += 70_000) {
      raw.append(FaultUpstream.chunk(big.substring(at, Math.min(big.length(), at + 70_000))));
    }
    Socket c = h.connect();
    send(c, raw.append("0\r\n\r\n").toString());
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    FaultUpstream.Request r = h.up.take();
    assertThat(r.body().getBytes(StandardCharsets.UTF_8)).hasSize(300_000);
    assertThat(r.body()).isEqualTo(big);
  }
}
