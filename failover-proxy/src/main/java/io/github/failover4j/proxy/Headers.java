package io.github.failover4j.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the proxy (RFC 9110 §7.6.1: hop-by-hop headers stop here). */
final class Headers {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "upgrade");

  private Headers() {}

  /**
   * The end-to-end headers of {@code from}, without hop-by-hop ones (and those named in its
   * {@code Connection} header) and without {@code drop}. Framing headers ({@code
   * Content-Length}, {@code Transfer-Encoding}) stay: the body is relayed as it was framed.
   *
   * @param drop more header names to leave out, lower case
   */
  static HttpHeaders endToEnd(HttpHeaders from, Set<String> drop) {
    Set<String> named = new HashSet<>();
    for (String v : from.getAll(HttpHeaderNames.CONNECTION)) {
      for (String n : v.split(",")) {
        named.add(n.trim().toLowerCase(Locale.ROOT));
      }
    }
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !drop.contains(name)) {
        out.add(h.getKey(), h.getValue());
      }
    }
    return out;
  }

  /** Makes a response body delimited by connection close chunked, so keep-alive survives. */
  static void frame(HttpHeaders headers, int status, boolean headRequest) {
    boolean noBody = headRequest || status == 204 || status == 304 || status < 200;
    if (!noBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  /** Lower-case names of the request headers that carry client credentials, never forwarded. */
  static Set<String> credentials(String authHeader) {
    Set<String> names = new HashSet<>(Set.of("authorization", "host", "expect"));
    names.add(authHeader.toLowerCase(Locale.ROOT));
    return names;
  }
}
