package io.github.failover4j.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the proxy, and how the messages it relays are framed. Hop-by-hop headers
 * (RFC 9110 §7.6.1) and those a {@code Connection} header names stop here; so do the message's
 * framing headers ({@code Content-Length}, {@code Transfer-Encoding}): the proxy frames every
 * message it sends itself, from what it decoded, so a client's framing tricks never reach an
 * upstream (request smuggling) and an upstream's never reach a client.
 */
final class Headers {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authenticate", "te", "trailer", "upgrade",
      "content-length", "transfer-encoding");

  /**
   * Request headers that carry a client's credentials: never forwarded, whatever the
   * provider's auth header is (it is set from the token by the failover handler).
   */
  static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization",
      "x-api-key", "api-key", "cookie", "cookie2", "x-goog-api-key", "x-auth-token",
      "x-access-token", "x-amz-security-token", "ocp-apim-subscription-key");

  private Headers() {}

  /**
   * The end-to-end headers of {@code from}: without hop-by-hop and framing headers, those
   * named in its {@code Connection} header, and {@code drop}.
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

  /** The names never forwarded upstream: credentials, the provider's auth header, host, expect. */
  static Set<String> notForwarded(String authHeader) {
    Set<String> names = new HashSet<>(CREDENTIALS);
    names.add("host");
    names.add("expect");
    names.add(authHeader.toLowerCase(Locale.ROOT));
    return names;
  }

  /**
   * The client's request as it goes upstream, before framing: end-to-end headers only, no
   * credential, the upstream's {@code Host}, HTTP/1.1, {@code target}.
   */
  static HttpRequest upstreamBase(HttpRequest request, String target, String authHeader,
      String host) {
    HttpHeaders headers = endToEnd(request.headers(), notForwarded(authHeader));
    headers.set(HttpHeaderNames.HOST, host);
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, headers);
  }

  /** Whether the client's request, as the decoder framed it, has a body. */
  static boolean hasBody(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
        || HttpUtil.getContentLength(request, 0L) > 0;
  }

  /**
   * The head of one attempt's upstream request, framed by the proxy: {@code Content-Length}
   * when the whole body is known ({@code bodyBytes}, or -1 while it still arrives: then {@code
   * chunked}); none for a request without a body.
   */
  static HttpRequest upstreamHead(HttpRequest base, boolean hasBody, long bodyBytes) {
    HttpHeaders h = base.headers().copy();
    if (bodyBytes >= 0 && (hasBody || bodyBytes > 0 || needsLength(base.method()))) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, bodyBytes);
    } else if (bodyBytes < 0 && hasBody) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, base.method(), base.uri(), h);
  }

  private static boolean needsLength(HttpMethod m) {
    return m.equals(HttpMethod.POST) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
  }

  /**
   * Frames a response head toward the client: the upstream's {@code Content-Length} when it
   * gave one (and no transfer coding), else chunked for an HTTP/1.1 client, or delimited by
   * closing the connection for an HTTP/1.0 client, which knows no chunked coding.
   *
   * @param upstream the upstream's headers, framing headers included
   * @param out the end-to-end headers going to the client; framing is added here
   * @return whether the body is delimited by closing the connection
   */
  static boolean frame(HttpHeaders upstream, HttpHeaders out, int status, boolean headRequest,
      boolean http10) {
    boolean noBody = headRequest || status == 204 || status == 304 || status < 200;
    String length = upstream.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null && !upstream.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
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
