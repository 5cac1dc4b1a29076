package io.github.failover4j.proxy;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.netty.internal.Endpoint;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What the proxy checks of a gateway configuration beyond what the parser checks: at start,
 * for {@code --check} and before every reload.
 */
final class Checks {
  /** Where the proxy listens when neither {@code --listen} nor the file says. */
  static final String DEFAULT_LISTEN = "127.0.0.1:8080";

  private Checks() {}

  /** Problems that make the configuration unusable, each with its path. */
  static List<String> problems(GatewayConfig config) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < config.providers().size(); i++) {
      ProviderConfig p = config.providers().get(i);
      try {
        Endpoint.of(p.upstream());
      } catch (IllegalArgumentException e) {
        problems.add("providers[" + i + "].upstream: " + e.getMessage());
      }
    }
    return problems;
  }

  /**
   * The one-line refusal to listen on {@code address} (not loopback) with no client keys, or
   * null when that is fine: client keys are configured, the address is loopback, or {@code
   * allowUnauthenticated: true} says so.
   */
  static String exposure(GatewayConfig config, InetSocketAddress address) {
    ServiceConfig s = config.service();
    boolean loopback = address.getAddress() != null && address.getAddress().isLoopbackAddress();
    if (loopback || s.clients().enabled() || s.allowUnauthenticated()) {
      return null;
    }
    return "refusing to listen on " + address.getHostString() + ":" + address.getPort()
        + " with no client keys: anyone who reaches it would spend your tokens; add clients: "
        + "[{name, key}] (see docs/operations.md) or set allowUnauthenticated: true";
  }

  /** Warnings about settings that work but are probably not meant. */
  static List<String> warnings(GatewayConfig config) {
    List<String> warnings = new ArrayList<>();
    for (ProviderConfig p : config.providers()) {
      FailoverConfig f = p.failover();
      if (f.healthCheck() == null && f.cooldown() == null && !f.ejection().backsOff()) {
        warnings.add("provider " + p.name() + ": an ejected token is never restored (no "
            + "healthCheck, no cooldown, no back-off); only a restart or POST "
            + "/_failover/providers/" + p.name() + "/tokens/{id}/restore brings it back");
      }
    }
    return warnings;
  }
}
