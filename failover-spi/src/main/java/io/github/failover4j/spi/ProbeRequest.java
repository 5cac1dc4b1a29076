package io.github.failover4j.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A health-check request the engine asks a transport to send for an ejected token.
 *
 * <p>{@code headers} holds the token in the pool's auth header, so {@link #toString()} masks
 * every header value: a probe request can be logged safely.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param uri the absolute URI
 * @param headers request headers (name to value), including the auth header with the token
 * @param body the request body (JSON), possibly empty
 * @param timeout how long the probe may take before it counts as failed
 * @param maxBodyBytes how much of the answer's body the health-check conditions look at: the
 *     transport keeps at most this many bytes and may stop reading there
 */
public record ProbeRequest(
    String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
    int maxBodyBytes) {

  /** Validates and copies the arguments. */
  public ProbeRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    headers = Map.copyOf(headers);
    body = body.clone();
    Objects.requireNonNull(timeout, "timeout");
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " is negative");
    }
  }

  /** The body; a copy, so the request stays immutable. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Describes the request with every header value hidden, since one of them is a token. */
  @Override
  public String toString() {
    return "ProbeRequest[" + method + " " + uri + ", headers=" + headers.keySet()
        + " (values hidden), body=" + body.length + " bytes, timeout=" + timeout
        + ", maxBodyBytes=" + maxBodyBytes + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeRequest p
        && method.equals(p.method)
        && uri.equals(p.uri)
        && headers.equals(p.headers)
        && java.util.Arrays.equals(body, p.body)
        && timeout.equals(p.timeout)
        && maxBodyBytes == p.maxBodyBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, java.util.Arrays.hashCode(body), timeout,
        maxBodyBytes);
  }
}
