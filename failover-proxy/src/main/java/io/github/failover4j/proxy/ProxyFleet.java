package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.redis.RedisFleet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The proxy's side of a fleet (SPEC §8, the gateway file's {@code fleet:}): one {@link
 * RedisFleet} for the proxy's life, attached to every pool (also those a reload creates),
 * shown in {@code /_failover/status} and {@code /readyz}, closed after the pools. Without
 * {@code fleet:} it does nothing.
 */
final class ProxyFleet implements AutoCloseable {
  private final FleetConfig config;
  private final RedisFleet fleet;

  private ProxyFleet(FleetConfig config, RedisFleet fleet) {
    this.config = config;
    this.fleet = fleet;
  }

  /** Connects to the fleet of {@code config} (in the background), or none when it is null. */
  static ProxyFleet start(FleetConfig config) {
    return new ProxyFleet(config, config == null ? null : config.connect());
  }

  /** Whether this proxy is part of a fleet. */
  boolean on() {
    return fleet != null;
  }

  /** One line for the start-up banner: the Redis (masked), the prefix and this replica. */
  String describe() {
    return fleet == null ? "no fleet" : "fleet: " + config.maskedRedis() + ", prefix "
        + config.prefix() + ", replica " + fleet.replicaId()
        + " (token state shared with every replica on it)";
  }

  /** Attaches the fleet to a pool being built. */
  TokenPool.Builder attach(TokenPool.Builder pool) {
    return fleet == null ? pool : pool.fleet(fleet);
  }

  /** {@code /readyz}'s word on the fleet: null without one, else {@code ok} or {@code degraded}. */
  String readiness() {
    return fleet == null ? null : fleet.reachable() ? "ok" : "degraded";
  }

  /**
   * A reload keeps the fleet it started with: a changed {@code fleet:} says so in the log and
   * takes effect at the next start.
   */
  void reloaded(FleetConfig next, Consumer<String> log) {
    if (!Objects.equals(config, next)) {
      log.accept("fleet: the fleet settings changed; they take effect when the proxy restarts");
    }
  }

  /**
   * Adds the fleet to a status tree: {@code fleet} (replica id, masked Redis URI, prefix,
   * whether Redis is reachable) and, per token, {@code fleet: {version, prober}}.
   */
  void status(ObjectNode root) {
    if (fleet == null) {
      root.putNull("fleet");
      return;
    }
    root.putObject("fleet")
        .put("replicaId", fleet.replicaId())
        .put("redis", config.maskedRedis())
        .put("prefix", config.prefix())
        .put("reachable", fleet.reachable());
    for (JsonNode p : root.path("providers")) {
      Map<String, RedisFleet.TokenView> views = new HashMap<>();
      for (RedisFleet.TokenView v : fleet.view(p.path("name").asText())) {
        views.put(v.fingerprint(), v);
      }
      for (JsonNode t : p.path("tokens")) {
        RedisFleet.TokenView v = views.get(t.path("fingerprint").asText());
        if (v != null && t instanceof ObjectNode n) {
          n.putObject("fleet").put("version", v.version()).put("prober", v.prober());
        }
      }
    }
  }

  /** Closes the fleet; call after the pools are closed. */
  @Override
  public void close() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Override
  public String toString() {
    return fleet == null ? "ProxyFleet[none]" : "ProxyFleet[" + fleet + "]";
  }
}
