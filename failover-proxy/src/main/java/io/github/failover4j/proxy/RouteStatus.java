package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.failover4j.core.Outages;
import io.github.failover4j.core.Target;

/**
 * The routes part of {@code /_failover/status} (SPEC §9): each route with its targets and
 * whether each is in outage, and every target in outage with how long and why.
 */
final class RouteStatus {
  private RouteStatus() {}

  static void add(ObjectNode root, Routing routing, Outages outages) {
    ArrayNode routes = root.putArray("routes");
    for (Routing.ModelRoute m : routing.modelRoutes()) {
      RouteConfig c = m.config();
      ObjectNode r = routes.addObject();
      if (c.model() != null) {
        r.put("model", c.model());
      } else {
        r.put("modelPattern", c.pattern().toString());
      }
      if (c.budget() != null) {
        r.put("budgetMs", c.budget().toMillis());
      } else {
        r.putNull("budgetMs"); // none: each attempt bounded by its provider's timeouts
      }
      ArrayNode targets = r.putArray("targets");
      for (Target t : m.fallback().targets()) {
        ObjectNode n = targets.addObject().put("target", t.name(c.model()));
        if (c.model() != null || t.model() != null) { // the model is known: so is its outage
          n.put("outage", outages.inOutage(t, c.model()));
        } else {
          n.putNull("outage"); // the client's model: see "outages" for each one in outage
        }
      }
    }
    ArrayNode out = root.putArray("outages");
    for (Outages.Snapshot s : outages.snapshot()) {
      out.addObject()
          .put("target", s.target())
          .put("provider", s.pool())
          .put("model", s.model())
          .put("outForMs", s.outFor().toMillis())
          .put("nextCheckInMs", s.nextCheckIn().toMillis())
          .put("reason", s.reason());
    }
  }
}
