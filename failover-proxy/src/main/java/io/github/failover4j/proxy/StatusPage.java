package io.github.failover4j.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live status page at {@code /_failover/}: one self-contained HTML file (inline CSS and
 * JavaScript, no external asset) that polls {@code /_failover/status} every two seconds and
 * shows every provider's tokens, their states, failures, cooldowns, next probes and totals, and
 * the recent events. Readable on a phone. It holds no data itself, so no token either.
 */
final class StatusPage {
  private static final byte[] HTML = load();

  private StatusPage() {}

  static FullHttpResponse page() {
    FullHttpResponse r = Responses.bytes(HttpResponseStatus.OK, "text/html; charset=utf-8",
        HTML);
    r.headers().set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
        + "style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
        .set("X-Content-Type-Options", "nosniff");
    return r;
  }

  private static byte[] load() {
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html is missing from the proxy's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
