package io.github.failover4j.proxy;

import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.core.FallbackRoute;
import io.github.failover4j.core.Outages;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.netty.internal.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The configuration in force: the gateway file it came from and its routes (with their pools).
 * Immutable; a reload builds a new one and the proxy swaps it in whole, so a request sees one
 * configuration from start to end, and requests in flight finish on the one they started with.
 *
 * @param config the gateway configuration
 * @param routes the routes, longest prefix first
 * @param modelRoutes the gateway file's {@code routes:}, in order, with their fallback routes
 */
record Routing(GatewayConfig config, List<Route> routes, List<ModelRoute> modelRoutes) {

  /**
   * One of the gateway file's {@code routes:} with the engine's route built on the pools.
   *
   * @param config what the file said
   * @param fallback the targets as the engine tries them
   */
  record ModelRoute(RouteConfig config, FallbackRoute fallback) {}

  Routing {
    Objects.requireNonNull(config, "config");
    routes = List.copyOf(routes);
    modelRoutes = List.copyOf(modelRoutes);
  }

  /** Whether requests are routed by the {@code model} of their body (there are routes). */
  boolean routesByModel() {
    return !modelRoutes.isEmpty();
  }

  /** The first route taking {@code model}, or {@code null}. */
  ModelRoute modelRoute(String model) {
    for (ModelRoute r : modelRoutes) {
      if (r.config().matches(model)) {
        return r;
      }
    }
    return null;
  }

  /** The service settings: client keys, admin key, access log. */
  ServiceConfig service() {
    return config.service();
  }

  /** The route of the longest prefix that matches {@code path}, or null. */
  Route route(String path) {
    for (Route r : routes) {
      if (r.target(path, null) != null) {
        return r;
      }
    }
    return null;
  }

  /** The route of provider {@code name}, or null. */
  Route provider(String name) {
    for (Route r : routes) {
      if (r.pool().name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** The first routing: a new pool for every provider, registered in {@code registry}. */
  static Routing build(GatewayConfig config, Function<ProviderConfig, TokenPool> newPool,
      FailoverRegistry registry, Outages outages) {
    List<Route> built = new ArrayList<>();
    for (ProviderConfig p : config.providers()) {
      built.add(new Route(p.pathPrefix(), p, registry.register(newPool.apply(p)),
          Endpoint.of(p.upstream())));
    }
    return withModelRoutes(config, Route.ordered(built), outages);
  }

  /**
   * The routing of {@code next}, reusing this one's pools: a provider that stays with the same
   * upstream and auth keeps its pool, {@linkplain TokenPool#reload reloaded} so tokens that stay
   * keep their state, removed tokens stop being probed and new ones start healthy; a new
   * provider (or one whose upstream or auth changed) gets a new pool; a removed provider's
   * pool is closed. {@code next} must be valid (parsed and checked): nothing here fails on it.
   *
   * @param log receives one line per provider added, changed or removed
   */
  Routing apply(GatewayConfig next, Function<ProviderConfig, TokenPool> newPool,
      FailoverRegistry registry, Outages outages, Consumer<String> log) {
    Map<String, Route> old = new HashMap<>();
    for (Route r : routes) {
      old.put(r.pool().name(), r);
    }
    List<Route> built = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ProviderConfig p : next.providers()) {
      names.add(p.name());
      Route was = old.get(p.name());
      TokenPool pool;
      if (was != null && was.pool().upstream().equals(p.upstream())
          && was.pool().auth().equals(p.auth())) {
        pool = was.pool();
        pool.reload(p.tokens(), p.failover());
      } else {
        if (was != null) {
          outages.forget(was.pool()); // its targets' outage probes stop with it
          registry.remove(p.name()); // closes it: its probes stop
          log.accept("provider " + p.name() + ": upstream or auth changed; its tokens start "
              + "afresh");
        } else {
          log.accept("provider " + p.name() + ": added");
        }
        pool = registry.register(newPool.apply(p));
      }
      built.add(new Route(p.pathPrefix(), p, pool, Endpoint.of(p.upstream())));
    }
    for (Route r : routes) {
      if (!names.contains(r.pool().name())) {
        outages.forget(r.pool());
        registry.remove(r.pool().name()); // closes it; requests in flight still finish
        log.accept("provider " + r.pool().name() + ": removed");
      }
    }
    return withModelRoutes(next, Route.ordered(built), outages);
  }

  /** The routing of {@code config} on the pools of {@code routes}, its model routes built. */
  private static Routing withModelRoutes(GatewayConfig config, List<Route> routes,
      Outages outages) {
    Map<String, TokenPool> pools = new HashMap<>();
    for (Route r : routes) {
      pools.put(r.pool().name(), r.pool());
    }
    List<ModelRoute> built = new ArrayList<>();
    for (RouteConfig rc : config.routes()) {
      FallbackRoute.Builder b = FallbackRoute.builder(outages).budget(rc.budget()); // null: none
      for (RouteConfig.TargetConfig t : rc.targets()) {
        TokenPool pool = pools.get(t.provider()); // checked when the file was read
        if (t.model() == null) {
          b.target(pool);
        } else {
          b.target(pool, t.model());
        }
      }
      built.add(new ModelRoute(rc, b.build()));
    }
    return new Routing(config, routes, built);
  }
}
