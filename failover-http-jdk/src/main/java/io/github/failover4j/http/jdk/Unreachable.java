package io.github.failover4j.http.jdk;

import java.net.ConnectException;
import java.net.URI;

/**
 * Names the host in a connection failure. The JDK's {@code HttpClient} reports a refused or
 * unroutable connection as {@code java.net.ConnectException: null}; what reaches a caller or a
 * log says which provider (pool) and which host could not be reached instead.
 */
final class Unreachable {
  private Unreachable() {}

  /**
   * {@code error} as it should reach the caller: a {@link ConnectException} becomes one whose
   * message names {@code pool} (when not null) and the host and port of {@code uri}, with the
   * original as its cause; anything else is returned as it is.
   */
  static Throwable named(String pool, URI uri, Throwable error) {
    Throwable e = Exchange.unwrap(error);
    if (!(e instanceof ConnectException)) {
      return e;
    }
    String detail = e.getMessage() == null || e.getMessage().isBlank() ? ""
        : " (" + e.getMessage() + ")";
    ConnectException named = new ConnectException((pool == null ? "" : "pool " + pool + ": ")
        + "cannot connect to " + hostAndPort(uri) + detail);
    named.initCause(e);
    return named;
  }

  /** {@code host:port}, the port filled in from the scheme when the URI has none. */
  static String hostAndPort(URI uri) {
    int port = uri.getPort() != -1 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }
}
