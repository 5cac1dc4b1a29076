package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenPool;
import io.github.failover4j.netty.internal.Endpoint;
import java.util.Comparator;
import java.util.List;

/**
 * One provider as the proxy routes to it: its path prefix, its pool and where its upstream
 * is. The prefix is stripped and the rest of the path appended to the upstream's base path,
 * so {@code /openai/v1/models} under prefix {@code /openai} and upstream {@code
 * https://api.openai.com} goes to {@code https://api.openai.com/v1/models}.
 */
record Route(String prefix, ProviderConfig provider, TokenPool pool, Endpoint endpoint) {

  /**
   * The upstream request target for a client's raw path and query, or null if not routed here.
   * The path is {@linkplain #normalize normalised} first, so {@code ../} can neither leave the
   * prefix nor reach the upstream.
   */
  String target(String rawPath, String query) {
    String api = apiPath(rawPath, query);
    return api == null ? null : endpoint.basePath() + api;
  }

  /**
   * The API path of a client's raw path and query: the part after this route's prefix (with
   * the query), which a request keeps whichever provider serves it; null if not routed here.
   */
  String apiPath(String rawPath, String query) {
    String path = normalize(rawPath);
    String rest;
    if (prefix.equals("/")) {
      rest = path;
    } else if (path.equals(prefix) || path.equals(stripped())) {
      rest = "/";
    } else if (path.startsWith(stripped() + "/")) {
      rest = path.substring(stripped().length());
    } else {
      return null;
    }
    return query == null ? rest : rest + "?" + query;
  }

  /**
   * Removes dot segments (RFC 3986 §5.2.4), also percent-encoded ones ({@code %2e%2e}), which
   * an upstream may decode: {@code /a/./b/../c} is {@code /a/c}; a {@code ..} above the root
   * stays at the root.
   */
  static String normalize(String path) {
    if (!path.contains(".") && !path.contains("%2")) {
      return path;
    }
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    String[] segments = path.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String seg = segments[i].replace("%2e", ".").replace("%2E", ".");
      boolean last = i == segments.length - 1;
      if (seg.equals(".")) {
        if (last) {
          out.addLast("");
        }
      } else if (seg.equals("..")) {
        out.pollLast();
        if (last) {
          out.addLast("");
        }
      } else {
        out.addLast(segments[i]);
      }
    }
    return "/" + String.join("/", out);
  }

  private String stripped() {
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  /** The routes, longest prefix first, so the first that matches is the longest match. */
  static List<Route> ordered(List<Route> routes) {
    return routes.stream()
        .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
        .toList();
  }
}
