package io.github.failover4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * An ordered list of {@link Target}s a request may be served by (SPEC §9), the request's
 * overall budget, and the {@link Outages} shared with the other routes. Immutable and
 * thread-safe; each request gets its own {@link #plan(String) plan}.
 *
 * <pre>{@code
 * Outages outages = Outages.create();          // one per gateway
 * FallbackRoute route = FallbackRoute.builder(outages)
 *     .target(openai)                           // the client's model
 *     .target(azure, "gpt-4o-eu")
 *     .target(openai, "gpt-4o-mini")
 *     .budget(Duration.ofSeconds(60))
 *     .build();
 * FallbackPlan plan = route.plan("gpt-4o");
 * }</pre>
 */
public final class FallbackRoute {
  private final List<Target> targets;
  private final Duration budget;
  private final Outages outages;
  /** Maps a bound to a random value in {@code [0, bound)}: the back-off jitter; tests fix it. */
  final LongUnaryOperator jitter;

  private FallbackRoute(List<Target> targets, Duration budget, Outages outages,
      LongUnaryOperator jitter) {
    this.targets = List.copyOf(targets);
    this.budget = budget;
    this.outages = outages;
    this.jitter = jitter;
  }

  /** A builder of a route whose targets' outages are tracked in {@code outages}. */
  public static Builder builder(Outages outages) {
    return new Builder(outages);
  }

  /** The targets, in the order they are tried. */
  public List<Target> targets() {
    return targets;
  }

  /** The overall budget of one request across every attempt, or {@code null} for none. */
  public Duration budget() {
    return budget;
  }

  /** Where the targets' outages are tracked. */
  public Outages outages() {
    return outages;
  }

  /**
   * A plan for one request whose client asked for {@code requestedModel} ({@code null} when
   * unknown); its budget starts now, on the first target's ticker.
   */
  public FallbackPlan plan(String requestedModel) {
    return new FallbackPlan(this, requestedModel);
  }

  /** This route with a fixed jitter, for tests that compute waits exactly. */
  FallbackRoute withJitter(LongUnaryOperator jitter) {
    return new FallbackRoute(targets, budget, outages, jitter);
  }

  @Override
  public String toString() {
    return "FallbackRoute" + targets.stream().map(t -> t.name(null)).toList();
  }

  /** Builds a {@link FallbackRoute}. */
  public static final class Builder {
    private final Outages outages;
    private final List<Target> targets = new ArrayList<>();
    private Duration budget;

    private Builder(Outages outages) {
      this.outages = Objects.requireNonNull(outages, "outages");
    }

    /** Adds a target. */
    public Builder target(Target target) {
      targets.add(Objects.requireNonNull(target, "target"));
      return this;
    }

    /** Adds a target that keeps the client's model. */
    public Builder target(TokenPool pool) {
      return target(Target.of(pool));
    }

    /** Adds a target that asks {@code pool} for {@code model}. */
    public Builder target(TokenPool pool, String model) {
      return target(Target.of(pool, model));
    }

    /** The overall budget of one request across every attempt; default none. */
    public Builder budget(Duration budget) {
      if (budget != null) {
        HealthCheck.requirePositive(budget, "budget");
      }
      this.budget = budget;
      return this;
    }

    /**
     * Builds the route.
     *
     * @throws IllegalArgumentException when it has no target, or the same target twice
     */
    public FallbackRoute build() {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("targets: the list is empty");
      }
      for (int i = 0; i < targets.size(); i++) {
        for (int j = 0; j < i; j++) {
          if (targets.get(i).equals(targets.get(j))) {
            throw new IllegalArgumentException("targets[" + i + "]: " + targets.get(i).name(null)
                + " is listed twice (also targets[" + j + "])");
          }
        }
      }
      return new FallbackRoute(targets, budget, outages,
          bound -> ThreadLocalRandom.current().nextLong(bound));
    }
  }
}
