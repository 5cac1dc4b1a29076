package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.failover4j.core.TokenSnapshot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxy's own endpoints, answered locally and never forwarded:
 *
 * <ul>
 *   <li>{@code GET /healthz} (also {@code /health}) and {@code GET /readyz}: open;
 *   <li>{@code GET /metrics}: Prometheus text, open (it holds no secret);
 *   <li>{@code GET /_failover/}: the live status page; {@code GET /_failover/status}: its
 *       JSON; {@code POST /_failover/providers/{p}/tokens/{id}/disable} and {@code …/restore}
 *       ({@code id}: masked id or fingerprint); {@code POST /_failover/reload}: admin only
 *       (the admin key, or loopback when none is configured).
 * </ul>
 */
final class AdminEndpoints {
  static final String PREFIX = "/_failover";

  private final FailoverProxy proxy;
  private final Service service;

  AdminEndpoints(FailoverProxy proxy, Service service) {
    this.proxy = proxy;
    this.service = service;
  }

  /** Whether the proxy answers {@code path} itself. */
  static boolean isLocal(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/") || path.equals("/healthz")
        || path.equals("/health") || path.equals("/readyz") || path.equals("/metrics");
  }

  FullHttpResponse answer(ChannelHandlerContext ctx, HttpRequest request, String path) {
    HttpMethod method = request.method();
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    switch (path) {
      case "/healthz", "/health" -> {
        return read ? Health.alive() : notAllowed("GET");
      }
      case "/readyz" -> {
        return read ? Health.ready(proxy.routing(), proxy.fleet().readiness())
            : notAllowed("GET");
      }
      case "/metrics" -> {
        return read ? Responses.text(HttpResponseStatus.OK,
            "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape())
            : notAllowed("GET");
      }
      default -> { }
    }
    FullHttpResponse refused = service.refuseAdmin(ctx, request);
    if (refused != null) {
      return refused;
    }
    String rest = path.substring(PREFIX.length());
    if (rest.isEmpty() || rest.equals("/")) {
      return read ? StatusPage.page() : notAllowed("GET");
    }
    if (rest.equals("/status")) {
      return read ? Responses.json(HttpResponseStatus.OK, status()) : notAllowed("GET");
    }
    boolean post = method.equals(HttpMethod.POST);
    if (rest.equals("/reload")) {
      if (!post) {
        return notAllowed("POST");
      }
      return Service.crossOrigin(request) ? crossOrigin() : reload();
    }
    String[] parts = rest.split("/", -1); // "", providers, p, tokens, id, action
    if (parts.length == 6 && parts[1].equals("providers") && parts[3].equals("tokens")) {
      if (!post) {
        return notAllowed("POST");
      }
      return Service.crossOrigin(request) ? crossOrigin()
          : tokenAction(decode(parts[2]), decode(parts[4]), parts[5]);
    }
    return Responses.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error", "not_found",
        "no such admin endpoint: " + path);
  }

  /** Every provider's tokens (masked ids, fingerprints, states, totals) and recent events. */
  ObjectNode status() {
    Routing routing = proxy.routing();
    ObjectNode root = ProxyJson.statusTree(routing.routes());
    root.put("time", java.time.Instant.now().toString());
    proxy.fleet().status(root); // fleet hook
    root.put("ready", routing.routes().stream().allMatch(r -> Health.ready(routing, r)));
    RouteStatus.add(root, routing, proxy.outages());
    root.put("clients", routing.service().clients().enabled()
        ? routing.service().clients().names().size() : 0);
    ArrayNode events = root.putArray("events");
    for (RecentEvents.Entry e : service.recentEvents().newestFirst()) {
      events.addObject()
          .put("time", e.at().toString())
          .put("provider", e.event().pool())
          .put("token", e.event().tokenId())
          .put("fingerprint", e.event().fingerprint())
          .put("kind", e.event().kind().name().toLowerCase(Locale.ROOT))
          .put("reason", e.event().reason());
    }
    return root;
  }

  private FullHttpResponse tokenAction(String provider, String id, String action) {
    if (!action.equals("disable") && !action.equals("restore")) {
      return Responses.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error",
          "not_found", "unknown action '" + action + "'; use disable or restore");
    }
    Route route = proxy.routing().provider(provider);
    if (route == null) {
      return Responses.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error",
          "not_found", "no provider named '" + provider + "'");
    }
    List<TokenSnapshot> matches = new ArrayList<>();
    for (TokenSnapshot t : route.pool().snapshot()) {
      if (t.fingerprint().equals(id) || t.id().equals(id)) {
        matches.add(t);
      }
    }
    if (matches.isEmpty()) {
      return Responses.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error",
          "not_found", "provider '" + provider + "' has no token with masked id or "
              + "fingerprint '" + id + "' (see /_failover/status)");
    }
    if (matches.size() > 1) {
      return Responses.error(HttpResponseStatus.CONFLICT, "invalid_request_error",
          "ambiguous_token", "several tokens of provider '" + provider + "' show as '" + id
              + "'; name one by its fingerprint");
    }
    String fingerprint = matches.get(0).fingerprint();
    boolean changed;
    try {
      changed = action.equals("disable") ? route.pool().disable(fingerprint)
          : route.pool().restore(fingerprint);
    } catch (IllegalArgumentException e) { // removed by a reload meanwhile
      return Responses.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error",
          "not_found", "provider '" + provider + "' no longer has token '" + id + "'");
    }
    TokenSnapshot now = route.pool().snapshot().stream()
        .filter(t -> t.fingerprint().equals(fingerprint)).findFirst().orElse(matches.get(0));
    service.log("admin: provider=" + provider + " token=" + now.id() + " " + action
        + (changed ? "d" : " (no change)"));
    ObjectNode body = Responses.object()
        .put("provider", provider)
        .put("id", now.id())
        .put("fingerprint", now.fingerprint())
        .put("state", now.state().name())
        .put("changed", changed);
    return Responses.json(HttpResponseStatus.OK, body);
  }

  private FullHttpResponse reload() {
    Reloader reloader = service.reloader();
    if (reloader == null) {
      return Responses.error(HttpResponseStatus.CONFLICT, "invalid_request_error",
          "no_config_file", "this proxy was not started from a config file; nothing to reload");
    }
    Reloader.Result result = reloader.reload("admin endpoint");
    if (!result.ok()) {
      return Responses.problems("the configuration was not reloaded: "
          + result.problems().size() + " problem(s); nothing changed", result.problems());
    }
    ObjectNode body = Responses.object().put("reloaded", true);
    ArrayNode providers = body.putArray("providers");
    proxy.routing().routes().forEach(r -> providers.add(r.pool().name()));
    result.warnings().forEach(body.putArray("warnings")::add);
    return Responses.json(HttpResponseStatus.OK, body);
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }

  private static FullHttpResponse crossOrigin() {
    return Responses.error(HttpResponseStatus.FORBIDDEN, "permission_error", "cross_origin",
        "admin actions are not accepted from another web origin");
  }

  private static FullHttpResponse notAllowed(String allowed) {
    FullHttpResponse r = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
        "invalid_request_error", "method_not_allowed", "this endpoint answers " + allowed
            + " only");
    r.headers().set(HttpHeaderNames.ALLOW, allowed);
    return r;
  }
}
