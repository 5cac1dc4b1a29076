package io.github.failover4j.proxy;

import io.github.failover4j.spi.ResponseView;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;

/**
 * An upstream response's status and headers, for a fallback plan that reads them (its {@code
 * Retry-After}, a cooldown's deadline) once the upstream handler judged the response; the body
 * was judged already and is not offered.
 */
record HeadView(HttpResponse response) implements ResponseView {
  private static final byte[] NONE = new byte[0];

  @Override
  public int status() {
    return response.status().code();
  }

  @Override
  public String header(String name) {
    return response.headers().get(name);
  }

  @Override
  public List<String> headers(String name) {
    return response.headers().getAll(name);
  }

  @Override
  public byte[] body(int maxBytes) {
    return NONE;
  }
}
