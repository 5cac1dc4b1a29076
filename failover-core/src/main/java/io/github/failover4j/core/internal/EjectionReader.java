package io.github.failover4j.core.internal;

import io.github.failover4j.core.EjectionPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Reads the ejection policy (SPEC §6) from {@code failover.failure}: {@code
 * maxEjectionPercent} (1–100, default 100), {@code baseEjectionTime} and {@code
 * maxEjectionTime} (durations; max needs base, is at least base, and is 10 × base when not
 * given).
 */
final class EjectionReader {
  /** The keys of the policy, beside {@code failureThreshold} and {@code conditions}. */
  static final List<String> KEYS =
      List.of("maxEjectionPercent", "baseEjectionTime", "maxEjectionTime");

  private EjectionReader() {}

  /**
   * The policy; null when a problem was reported or when no key is given (then the builder's
   * default applies: {@link EjectionPolicy#RECOMMENDED} with the recommended conditions,
   * {@link EjectionPolicy#DEFAULT} with the configuration's own).
   */
  static EjectionPolicy read(Fields f) {
    Node percentNode = f.get("maxEjectionPercent");
    int before = percentNode.problemsSoFar();
    Integer percent = percent(percentNode);
    Node baseNode = f.get("baseEjectionTime");
    Duration base = baseNode.duration(null);
    Node maxNode = f.get("maxEjectionTime");
    Duration max = maxNode.duration(null);
    if (maxNode.present() && !baseNode.present()) {
      maxNode.invalid("is given without baseEjectionTime, where the back-off starts; set "
          + "baseEjectionTime too, e.g. 30s");
    } else if (base != null && max != null && max.compareTo(base) < 0) {
      maxNode.invalid("is shorter than baseEjectionTime " + Durations.format(base)
          + "; maxEjectionTime must be at least baseEjectionTime");
    }
    if (percentNode.problemsSoFar() != before
        || !percentNode.present() && !baseNode.present() && !maxNode.present()) {
      return null; // reported, or not given: the builder's default applies
    }
    return new EjectionPolicy(base, max, percent == null ? 100 : percent);
  }

  private static Integer percent(Node node) {
    if (node.value() instanceof String s && s.strip().endsWith("%")) {
      node.invalid("is a string; write the number without %, e.g. 50");
      return null;
    }
    return node.integer(1, 100, "is not between 1 and 100 (percent of the pool)");
  }
}
