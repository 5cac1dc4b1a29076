package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.spi.ResponseView;
import java.net.http.HttpHeaders;
import java.util.List;

/**
 * A {@link ResponseView} over the JDK's status and {@link HttpHeaders} (whose lookups are
 * already case-insensitive), plus the body prefix once one was captured. Nothing is copied to
 * build it; the body is empty until {@link #prefix(BodyCapture)} is called, which is only ever done
 * for responses whose rules need the body.
 */
final class View implements ResponseView {
  private static final byte[] EMPTY = new byte[0];

  private final int status;
  private final HttpHeaders headers;
  private BodyCapture prefix;

  View(int status, HttpHeaders headers) {
    this.status = status;
    this.headers = headers;
  }

  /** Attaches the captured body prefix; returns this view. */
  View prefix(BodyCapture captured) {
    this.prefix = captured;
    return this;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  @Override
  public List<String> headers(String name) {
    return headers.allValues(name);
  }

  @Override
  public byte[] body(int maxBytes) {
    return prefix == null ? EMPTY : prefix.prefix(maxBytes);
  }
}
