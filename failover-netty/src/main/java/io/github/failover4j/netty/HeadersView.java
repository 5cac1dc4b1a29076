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
    body = BodyCapture.of(headers.getAll(HttpHeaderNames.CONTENT_ENCODING), cap,
        headers.getInt(HttpHeaderNames.CONTENT_LENGTH, -1)); // sizes the capture's buffer
    return body;
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
