package io.github.failover4j.netty;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.spi.ResponseView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * A {@link ResponseView} over a Netty response's status and headers, with the body prefix a
 * handler captured (or none). Netty's header lookups are already case-insensitive, so nothing
 * is copied to build it.
 */
final class HeadersView implements ResponseView {
  private final int status;
  private final HttpHeaders headers;
  private BodyCapture body;

  HeadersView(int status, HttpHeaders headers) {
    this.status = status;
    this.headers = headers;
  }

  /**
   * Starts capturing the body, up to {@code cap} decoded bytes; returns the capture. Every
   * {@code Content-Encoding} line counts: a body coded twice is not decoded, whichever line
   * comes first. A {@code Content-Length} sizes the capture's first buffer.
   */
  BodyCapture capture(int cap) {
    List<String> codings = headers.contains(HttpHeaderNames.CONTENT_ENCODING)
        ? headers.getAll(HttpHeaderNames.CONTENT_ENCODING) : List.of();
    body = BodyCapture.of(codings, cap, contentLength()); // the length sizes its buffer
    return body;
  }

  /** The {@code Content-Length}, or -1 when absent or not a number; parsed without boxing. */
  private long contentLength() {
    String v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (v == null || v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    return headers.get(name);
  }

  @Override
  public List<String> headers(String name) {
    return headers.getAll(name);
  }

  @Override
  public byte[] body(int maxBytes) {
    return body == null ? new byte[0] : body.prefix(maxBytes);
  }
}
