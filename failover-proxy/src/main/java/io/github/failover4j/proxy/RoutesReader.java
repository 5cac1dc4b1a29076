package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.ModelPatterns;
import io.github.failover4j.core.internal.Node;
import io.github.failover4j.core.internal.Render;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Reads the gateway file's {@code routes:} (SPEC §9), checking them against the providers. */
final class RoutesReader {
  private static final List<String> ROUTE_KEYS = List.of("model", "modelPattern", "targets",
      "budget");
  private static final List<String> TARGET_KEYS = List.of("provider", "model");

  private RoutesReader() {}

  /**
   * The routes of {@code node} (absent: none); {@code null} when a problem was reported.
   *
   * @param providers the names of the providers declared (a target must name one)
   */
  static List<RouteConfig> read(Node node, Set<String> providers) {
    if (!node.present()) {
      return List.of();
    }
    int before = node.problemsSoFar();
    List<RouteConfig> out = new ArrayList<>();
    for (Node r : node.list()) {
      RouteConfig route = route(r, providers);
      if (route != null) {
        out.add(route);
      }
    }
    return node.problemsSoFar() == before ? out : null;
  }

  private static RouteConfig route(Node r, Set<String> providers) {
    if (!(r.value() instanceof java.util.Map)) {
      r.fields(); // reports what it is instead
      return null;
    }
    int before = r.problemsSoFar();
    Fields f = r.fields();
    f.rejectUnknown(ROUTE_KEYS);
    Node modelNode = f.get("model");
    Node patternNode = f.get("modelPattern");
    String model = null;
    Predicate<String> pattern = null;
    if (modelNode.present() == patternNode.present()) {
      r.problem((modelNode.present() ? "has both model and modelPattern"
          : "has neither model nor modelPattern") + "; give exactly one");
    } else if (modelNode.present()) {
      model = modelNode.nonBlankString();
    } else {
      pattern = ModelPatterns.read(patternNode);
    }
    Node targetsNode = f.get("targets");
    List<RouteConfig.TargetConfig> targets = new ArrayList<>();
    if (targetsNode.require("")) {
      if (targetsNode.value() instanceof List<?> l && l.isEmpty()) {
        targetsNode.invalid("is empty; give at least one target");
      }
      for (Node t : targetsNode.list()) {
        RouteConfig.TargetConfig target = target(t, providers);
        if (target != null) {
          if (targets.contains(target)) {
            t.invalid("repeats target " + target + "; list each target once");
          }
          targets.add(target);
        }
      }
    }
    Duration budget = budget(f.get("budget"));
    if (r.problemsSoFar() != before || (model == null && pattern == null) || targets.isEmpty()) {
      return null;
    }
    return new RouteConfig(model, pattern, targets, budget);
  }

  /** A route's overall budget: absent means none (each attempt bounded by its timeouts). */
  private static Duration budget(Node node) {
    if (!node.present()) {
      return null;
    }
    Duration d = node.duration(null);
    if (d != null && (d.isZero() || d.isNegative())) {
      node.invalid("must be positive; leave budget out for none");
      return null;
    }
    return d;
  }

  private static RouteConfig.TargetConfig target(Node t, Set<String> providers) {
    if (!(t.value() instanceof java.util.Map)) {
      t.fields();
      return null;
    }
    Fields f = t.fields();
    f.rejectUnknown(TARGET_KEYS);
    Node providerNode = f.get("provider");
    String provider = providerNode.require("") ? providerNode.nonBlankString() : null;
    if (provider != null && !providers.contains(provider)) {
      providerNode.invalid("names no provider; the providers are " + providers.stream().sorted()
          .map(Render::quote).toList());
      provider = null;
    }
    Node modelNode = f.get("model");
    String model = modelNode.present() ? modelNode.nonBlankString() : null;
    if (provider == null || (modelNode.present() && model == null)) {
      return null;
    }
    return new RouteConfig.TargetConfig(provider, model);
  }
}
