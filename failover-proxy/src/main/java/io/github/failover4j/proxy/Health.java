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
 * a token that is not disabled); {@code 503} naming the providers that cannot. With a fleet it
 * also says {@code "fleet": "ok"} or {@code "degraded"} (Redis unreachable), which never makes
 * it unready. Open to anyone,
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
      boolean can = selectable(r);
      providers.put(r.pool().name(), can ? "ready" : "no selectable token");
      ready &= can;
    }
    root.put("ready", ready);
    if (fleet != null) {
      root.put("fleet", fleet); // never makes the proxy unready: degraded, not dead
    }
    return Responses.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        root);
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
