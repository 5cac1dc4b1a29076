package io.github.failover4j.spi;

import java.util.List;

/**
 * A read-only view of an HTTP response, as the rules engine sees it.
 *
 * <p>Adapters implement it over their HTTP library's response type without copying: the
 * engine looks at the status first, then at headers, and asks for the body only when a rule
 * needs it (see {@code TokenPool.needsBody}). Implementations need not be thread-safe; the
 * engine reads a view from the thread that handed it over.
 */
public interface ResponseView {

  /** The HTTP status code, 100–599. */
  int status();

  /**
   * The first value of a header, or {@code null} when the response has no such header.
   *
   * @param name the header name; adapters must compare it case-insensitively
   */
  String header(String name);

  /**
   * Every value of a header, in order; empty when absent. The default returns the single
   * value of {@link #header(String)}; adapters whose library keeps repeated headers should
   * override it.
   *
   * @param name the header name, compared case-insensitively
   */
  default List<String> headers(String name) {
    String value = header(name);
    return value == null ? List.of() : List.of(value);
  }

  /**
   * The first bytes of the decoded (not content-encoded) response body, at most {@code
   * maxBytes} of them; fewer when the body is shorter, empty when there is none. Called at most
   * once per response and only when a rule needs the body; a streaming adapter passes the
   * prefix it captured while forwarding, never the whole stream.
   *
   * @param maxBytes the cap, at least 0
   */
  byte[] body(int maxBytes);
}
