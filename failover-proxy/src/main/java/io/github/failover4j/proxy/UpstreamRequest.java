package io.github.failover4j.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The head a client's request goes upstream with: the decoded request itself, edited in place
 * rather than rebuilt (no header map or {@link String} per request). Once, when the exchange
 * starts: what never goes upstream is removed ({@link Headers#stripForUpstream}). Per provider
 * ({@link #route}): the target, {@code Host}, HTTP/1.1. Per attempt ({@link #forAttempt}):
 * the proxy's framing; the failover handler then sets the attempt's token in the provider's
 * auth header as the head is written.
 *
 * <p>Reusing one object for every attempt is safe because an attempt's head is encoded when it
 * is written (on the exchange's event loop, which the upstream connection shares), before the
 * next attempt edits it. What an attempt leaves behind is undone by the next: the framing
 * header is set anew, and when the provider changes (a fallback route) the previous provider's
 * auth header, holding that attempt's token, is removed, so no token reaches another provider.
 */
final class UpstreamRequest {
  private final HttpRequest request;
  private final boolean hasBody;
  /** The auth header of the provider of the last {@link #route}; the failover handler sets it. */
  private String authHeader;

  /** Takes over {@code clientRequest} (its headers are edited from here on). */
  UpstreamRequest(HttpRequest clientRequest) {
    this.request = clientRequest;
    this.hasBody = Headers.hasBody(clientRequest); // read before its framing headers go
    Headers.stripForUpstream(clientRequest.headers());
    clientRequest.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  /** Whether the client's request, as the decoder framed it, has a body. */
  boolean hasBody() {
    return hasBody;
  }

  /**
   * Points the request at a provider: {@code target} (its base path and the API path), its
   * {@code Host}; no token of the provider before (its auth header) and none of the client (a
   * provider's own auth header need not be one of {@link Headers#CREDENTIALS}).
   */
  void route(String target, String auth, String host) {
    HttpHeaders h = request.headers();
    if (authHeader != null) {
      h.remove(authHeader); // an earlier provider's token
    }
    h.remove(auth);
    authHeader = auth;
    h.set(HttpHeaderNames.HOST, host);
    request.setUri(target);
  }

  /**
   * The head of one attempt, framed by the proxy: {@code Content-Length} when the whole body is
   * known ({@code bodyBytes}, or -1 while it still arrives: then {@code chunked}); none for a
   * request without a body.
   */
  HttpRequest forAttempt(long bodyBytes) {
    HttpHeaders h = request.headers();
    h.remove(HttpHeaderNames.CONTENT_LENGTH); // an earlier attempt's framing
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (bodyBytes >= 0 && (hasBody || bodyBytes > 0 || needsLength(request.method()))) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, bodyBytes);
    } else if (bodyBytes < 0 && hasBody) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return request;
  }

  private static boolean needsLength(HttpMethod m) {
    return m.equals(HttpMethod.POST) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
  }
}
