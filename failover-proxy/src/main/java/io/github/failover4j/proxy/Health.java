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
 * a token that is not disabled); {@code 503} naming the providers that cannot. Open to anyone,
 * cheap, never forwarded, and they show no token.
 */
final class Health {
  private Health() {}

  static FullHttpResponse alive() {
    return Responses.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n");
  }

  static FullHttpResponse ready(Routing routing) {
    ObjectNode root = Responses.object();
    ObjectNode providers = root.putObject("providers");
    boolean ready = true;
    for (Route r : routing.routes()) {
      boolean can = selectable(r);
      providers.put(r.pool().name(), can ? "ready" : "no selectable token");
      ready &= can;
    }
    root.put("ready", ready);
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
