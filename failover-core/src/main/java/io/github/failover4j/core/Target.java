package io.github.failover4j.core;

import java.util.Objects;

/**
 * One place a route can send a request (SPEC §9): a provider's {@link TokenPool} and,
 * optionally, the model to ask it for instead of the one the client named. Outage is tracked
 * per target, that is per pool and model: a model that fails for every key says nothing about
 * another model on the same keys.
 *
 * @param pool the provider's tokens and rules
 * @param model the model written into the request, or {@code null} to keep the client's
 */
public record Target(TokenPool pool, String model) {

  /** Checks the values. */
  public Target {
    Objects.requireNonNull(pool, "pool");
    if (model != null && model.isBlank()) {
      throw new IllegalArgumentException("model: is blank; give a model name or null");
    }
  }

  /** A target that keeps the client's model. */
  public static Target of(TokenPool pool) {
    return new Target(pool, null);
  }

  /** A target that asks {@code pool} for {@code model}. */
  public static Target of(TokenPool pool, String model) {
    return new Target(pool, Objects.requireNonNull(model, "model"));
  }

  /** The model sent for a client that asked for {@code requested}: this target's, if it has one. */
  public String modelFor(String requested) {
    return model != null ? model : requested;
  }

  /**
   * The display name for a client that asked for {@code requested}: {@code provider/model},
   * or the provider alone when no model is known.
   */
  public String name(String requested) {
    return name(pool, modelFor(requested));
  }

  static String name(TokenPool pool, String model) {
    return model == null ? pool.name() : pool.name() + "/" + model;
  }

  @Override
  public String toString() {
    return "Target[" + name(null) + "]";
  }
}
