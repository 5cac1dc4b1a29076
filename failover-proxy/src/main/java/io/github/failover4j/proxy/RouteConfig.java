package io.github.failover4j.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One entry of the gateway file's {@code routes:} (SPEC §9): which requests it takes (by the
 * JSON {@code model} of their body: an exact name or an anchored RE2 pattern) and the targets
 * they are tried on, in order.
 *
 * @param model the exact model name, or {@code null} when {@code pattern} is given
 * @param pattern the anchored pattern, or {@code null} when {@code model} is given
 * @param targets the targets, at least one
 * @param budget the overall budget of one request across every attempt and wait (positive),
 *     or {@code null} for none: each attempt is then bounded by its provider's timeouts only
 */
public record RouteConfig(String model, Predicate<String> pattern, List<TargetConfig> targets,
    Duration budget) {

  /** Checks the values; exactly one of {@code model} and {@code pattern}. */
  public RouteConfig {
    if ((model == null) == (pattern == null)) {
      throw new IllegalArgumentException("give model or modelPattern, not both or neither");
    }
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("targets: is empty");
    }
    if (budget != null && (budget.isZero() || budget.isNegative())) {
      throw new IllegalArgumentException("budget: " + budget + " is not positive");
    }
  }

  /** Whether a request for {@code requested} (its body's model, null when none) takes this route. */
  boolean matches(String requested) {
    return requested != null && (model != null ? model.equals(requested)
        : pattern.test(requested));
  }

  @Override
  public String toString() {
    return (model != null ? "model " + model : "modelPattern " + pattern) + " -> " + targets
        + (budget == null ? "" : " within " + budget);
  }

  /**
   * A target of a route.
   *
   * @param provider the provider's name
   * @param model the model to ask it for, or {@code null} to keep the client's
   */
  public record TargetConfig(String provider, String model) {
    /** Checks the values. */
    public TargetConfig {
      Objects.requireNonNull(provider, "provider");
    }

    @Override
    public String toString() {
      return model == null ? provider : provider + "/" + model;
    }
  }
}
