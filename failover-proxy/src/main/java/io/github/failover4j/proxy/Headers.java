package io.github.failover4j.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Which headers cross the proxy, and how the messages it relays are framed. Hop-by-hop headers
 * (RFC 9110 §7.6.1) and those a {@code Connection} header names stop here; so do the message's
 * framing headers ({@code Content-Length}, {@code Transfer-Encoding}): the proxy frames every
 * message it sends itself, from what it decoded, so a client's framing tricks never reach an
 * upstream (request smuggling) and an upstream's never reach a client.
 *
 * <p>The decoded message's own headers are edited in place ({@link #stripHopByHop}), never
 * copied: names are compared case-insensitively as Netty's {@link AsciiString}s, whose hashes
 * are computed once, and no header becomes a {@link String} on the way.
 */
final class Headers {
  /** Hop-by-hop and framing headers: never relayed, in either direction. */
  private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION,
      HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"),
      HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
      HttpHeaderNames.UPGRADE, HttpHeaderNames.CONTENT_LENGTH,
      HttpHeaderNames.TRANSFER_ENCODING};

  /**
   * Request headers that carry a client's credentials: never forwarded, whatever the
   * provider's auth header is (it is set from the token by the failover handler).
   */
  static final AsciiString[] CREDENTIALS = {HttpHeaderNames.AUTHORIZATION,
      HttpHeaderNames.PROXY_AUTHORIZATION, AsciiString.cached("x-api-key"),
      AsciiString.cached("api-key"), HttpHeaderNames.COOKIE, AsciiString.cached("cookie2"),
      AsciiString.cached("x-goog-api-key"), AsciiString.cached("x-auth-token"),
      AsciiString.cached("x-access-token"), AsciiString.cached("x-amz-security-token"),
      AsciiString.cached("ocp-apim-subscription-key")};

  private Headers() {}

  /**
   * Removes from {@code h}, in place, the hop-by-hop and framing headers and every header its
   * {@code Connection} header names (read before it goes). Allocates nothing unless {@code
   * Connection} names something other than {@code keep-alive}.
   */
  static void stripHopByHop(HttpHeaders h) {
    List<String> named = null;
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      Iterator<? extends CharSequence> values = h.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
      while (values.hasNext()) {
        named = connectionNames(values.next(), named);
      }
    }
    if (named != null) { // removed after the iteration: it walks the same table
      for (String n : named) {
        h.remove(n);
      }
    }
    for (AsciiString n : HOP_BY_HOP) {
      h.remove(n);
    }
  }

  /**
   * Adds to {@code named} (created when needed) the header names a {@code Connection} value
   * lists, but {@code keep-alive}, which is hop-by-hop anyway: the usual {@code Connection:
   * keep-alive} costs nothing.
   */
  private static List<String> connectionNames(CharSequence value, List<String> named) {
    int n = value.length();
    int i = 0;
    while (i < n) {
      int comma = i;
      while (comma < n && value.charAt(comma) != ',') {
        comma++;
      }
      int s = i;
      int e = comma;
      while (s < e && isSpace(value.charAt(s))) {
        s++;
      }
      while (e > s && isSpace(value.charAt(e - 1))) {
        e--;
      }
      if (e > s && !isKeepAlive(value, s, e)) {
        if (named == null) {
          named = new ArrayList<>(2);
        }
        named.add(value.subSequence(s, e).toString());
      }
      i = comma + 1;
    }
    return named;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isKeepAlive(CharSequence v, int s, int e) {
    AsciiString k = HttpHeaderValues.KEEP_ALIVE;
    return e - s == k.length() && AsciiString.regionMatches(v, true, s, k, 0, e - s);
  }

  /**
   * Removes from a client's request, in place, what never goes upstream: hop-by-hop and framing
   * headers (the proxy frames each attempt itself), credentials, {@code Host} (set per provider)
   * and {@code Expect}. Call once per request, after {@link #hasBody} was read.
   */
  static void stripForUpstream(HttpHeaders h) {
    stripHopByHop(h);
    for (AsciiString n : CREDENTIALS) {
      h.remove(n);
    }
    h.remove(HttpHeaderNames.HOST);
    h.remove(HttpHeaderNames.EXPECT);
  }

  /** Whether the client's request, as the decoder framed it, has a body. */
  static boolean hasBody(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
        || HttpUtil.getContentLength(request, 0L) > 0;
  }

  /**
   * Frames a response head toward the client, in {@code out}, which has no framing header any
   * more ({@link #stripHopByHop}): the upstream's {@code Content-Length} when it gave one (and
   * no transfer coding), else chunked for an HTTP/1.1 client, or delimited by closing the
   * connection for an HTTP/1.0 client, which knows no chunked coding.
   *
   * @param length the upstream's {@code Content-Length}, or null
   * @param transferCoded whether the upstream sent a {@code Transfer-Encoding}
   * @param out the end-to-end headers going to the client; framing is added here
   * @return whether the body is delimited by closing the connection
   */
  static boolean frame(String length, boolean transferCoded, HttpHeaders out, int status,
      boolean headRequest, boolean http10) {
    boolean noBody = headRequest || status == 204 || status == 304 || status < 200;
    if (length != null && !transferCoded) {
      out.set(HttpHeaderNames.CONTENT_LENGTH, length);
      return false;
    }
    if (noBody) {
      return false;
    }
    if (http10) {
      out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      return true;
    }
    out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    return false;
  }
}
