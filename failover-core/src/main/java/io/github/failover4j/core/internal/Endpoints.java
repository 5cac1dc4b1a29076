package io.github.failover4j.core.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks addresses: {@code listen}, {@code upstream}, {@code pathPrefix}, header names. */
public final class Endpoints {
  private static final String TCHARS = "!#$%&'*+-.^_`|~";

  private Endpoints() {}

  /** Whether {@code s} is an RFC 9110 token, as header names and auth schemes are. */
  public static boolean isToken(String s) {
    return !s.isEmpty() && s.chars().allMatch(Endpoints::isTokenChar);
  }

  /** Whether {@code c} may appear in an RFC 9110 token. */
  public static boolean isTokenChar(int c) {
    return (c < 128 && Character.isLetterOrDigit(c)) || TCHARS.indexOf(c) >= 0;
  }

  /** {@code host:port} (IPv6 as {@code [::1]:8080}); null when absent or reported. */
  public static String listen(Node node) {
    if (!node.present()) {
      return null;
    }
    if (!(node.value() instanceof String s)) {
      node.wrongType("host:port, e.g. 127.0.0.1:8080");
      return null;
    }
    String problem = listenProblem(s);
    if (problem != null) {
      node.invalid(problem);
      return null;
    }
    return s;
  }

  private static String listenProblem(String s) {
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || !s.startsWith(":", close + 1)) {
        return "is not [ipv6]:port, e.g. [::1]:8080";
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
      if (!host.contains(":") || !host.chars().allMatch(
          c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
        return "does not hold an IPv6 address in its brackets";
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        return "has no port; write host:port, e.g. 127.0.0.1:8080";
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
      if (host.contains(":")) {
        return "has an IPv6 address without brackets; write e.g. [::1]:8080";
      }
      if (host.isEmpty()) {
        return "has no host; write e.g. 0.0.0.0:8080 to listen on every interface";
      }
      if (!host.chars().allMatch(c -> (c < 128 && Character.isLetterOrDigit(c))
          || c == '-' || c == '.')) {
        return "has an invalid host name";
      }
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      return "has no valid port (1-65535)";
    }
    return null;
  }

  /** An absolute http(s) URI with a host and no query or fragment; null when reported. */
  public static URI upstream(Node node) {
    String s = node.nonBlankString();
    if (s == null) {
      return null;
    }
    String shown = Render.quote(s.replaceAll("//[^/?#@]*@", "//…@"));
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      node.problem(shown + " is not a valid URI: " + e.getReason() + " at index " + e.getIndex());
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    String problem = null;
    if (scheme == null) {
      problem = "is not an absolute URI; write e.g. https://api.openai.com";
    } else if (!scheme.equals("http") && !scheme.equals("https")) {
      problem = "is not an http or https URI";
    } else if (uri.getRawUserInfo() != null) {
      problem = "holds user info; tokens belong in apiTokens, not in the URI";
    } else if (uri.getHost() == null) {
      problem = "has no valid host";
    } else if (uri.getPort() == 0 || uri.getPort() > 65535) {
      problem = "has no valid port (1-65535)";
    } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      problem = "has a query or fragment, which an upstream cannot have";
    }
    if (problem != null) {
      node.problem(shown + " " + problem);
      return null;
    }
    return uri;
  }

  /** A request path prefix starting with {@code /}; null when reported. */
  public static String pathPrefix(Node node) {
    String s = node.nonBlankString();
    if (s == null) {
      return null;
    }
    if (!s.startsWith("/")) {
      node.invalid("does not start with /");
      return null;
    }
    if (!s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '?' && c != '#')) {
      node.invalid("is not a path prefix (no spaces, control characters, ? or #)");
      return null;
    }
    return s;
  }
}
