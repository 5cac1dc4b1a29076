package io.github.failover4j.netty.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Where an HTTP client connects for a URI: scheme, host, port, the {@code Host} header and the
 * base path. Not part of the API.
 *
 * @param tls whether the scheme is https
 * @param host the host name or address, without IPv6 brackets
 * @param port the port, defaulted from the scheme
 * @param hostHeader the {@code Host} header value: host, with the port when not the default
 * @param basePath the URI's raw path without a trailing {@code /} (empty for the root)
 */
public record Endpoint(boolean tls, String host, int port, String hostHeader, String basePath) {

  /**
   * The endpoint of an absolute {@code http} or {@code https} URI.
   *
   * @throws IllegalArgumentException for another scheme or a URI without a host
   */
  public static Endpoint of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("not an http(s) URI: " + uri);
    }
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("no host in " + uri);
    }
    boolean tls = scheme.equals("https");
    int defaultPort = tls ? 443 : 80;
    int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String shown = bare.contains(":") ? "[" + bare + "]" : bare;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new Endpoint(tls, bare, port, port == defaultPort ? shown : shown + ":" + port, path);
  }

  /** The request target of a URI: raw path (at least {@code /}) and query. */
  public static String target(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}
