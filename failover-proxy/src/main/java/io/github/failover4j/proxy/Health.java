package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.core.WhenAllEjected;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /healthz}: the process serves. {@code GET /readyz}: every provider can serve a
 * request, i.e. has a healthy token (or, with {@code whenAllEjected} other than {@code fail},
 * a token that is not disabled), or is the target of a route whose other provider has one
 * (SPEC §9: its requests are served by the fallback); {@code 503} naming the providers that
 * cannot. With a fleet it also says {@code "fleet": "ok"} or {@code "degraded"} (Redis
 * unreachable), which never makes it unready. Open to anyone,
 * cheap, never forwarded, and they show no token.
 */
final class Health {
  private Health() {}

  static FullHttpResponse alive() {
    return Responses.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n");
  }

  /**
   * @param fleet {@code ok} or {@code degraded} (Redis unreachable: each replica works alone,
   *     still ready), or null without a fleet
   */
  static FullHttpResponse ready(Routing routing, String fleet) {
    ObjectNode root = Responses.object();
    ObjectNode providers = root.putObject("providers");
    boolean ready = true;
    for (Route r : routing.routes()) {
      boolean own = selectable(r);
      boolean can = own || coveredByFallback(routing, r);
      providers.put(r.pool().name(), own ? "ready" : can
          ? "ready (no selectable token; a route's fallback target serves)"
          : "no selectable token");
      ready &= can;
    }
    root.put("ready", ready);
    if (fleet != null) {
      root.put("fleet", fleet); // never makes the proxy unready: degraded, not dead
    }
    return Responses.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        root);
  }

  /** Whether {@code r} can serve, itself or through a route's fallback target. */
  static boolean ready(Routing routing, Route r) {
    return selectable(r) || coveredByFallback(routing, r);
  }

  /**
   * Whether every route that lists {@code r}'s provider also lists another provider that can
   * serve (and at least one route lists it): its requests by model go there.
   */
  private static boolean coveredByFallback(Routing routing, Route r) {
    boolean listed = false;
    for (Routing.ModelRoute m : routing.modelRoutes()) {
      boolean lists = false;
      boolean other = false;
      for (io.github.failover4j.core.Target t : m.fallback().targets()) {
        if (t.pool() == r.pool()) {
          lists = true;
        } else {
          Route o = routing.provider(t.pool().name());
          other |= o != null && selectable(o);
        }
      }
      if (lists && !other) {
        return false;
      }
      listed |= lists;
    }
    return listed;
  }

  /** Whether the pool's selection would give a token now. */
  static boolean selectable(Route r) {
    boolean panic = r.pool().config().whenAllEjected() != WhenAllEjected.FAIL;
    for (TokenSnapshot t : r.pool().snapshot()) {
      if (t.state() == TokenState.HEALTHY || (panic && t.state() != TokenState.DISABLED)) {
        return true;
      }
    }
    return false;
  }
}
