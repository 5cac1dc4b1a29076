package io.github.failover4j.core.internal;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.EjectionPolicy;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.SelectionStrategy;
import io.github.failover4j.core.WhenAllEjected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a failover scope: the {@code failover} block (seed or Higress format) and what may stand
 * beside it ({@code healthCheck}, {@code retryOnFailure}, {@code whenAllEjected}, {@code
 * selection}). The scope is the root of a failover file, or one provider of a gateway.
 */
public final class FailoverReader {
  /** The keys of a failover scope. */
  public static final List<String> SCOPE_KEYS =
      List.of("failover", "healthCheck", "retryOnFailure", "whenAllEjected", "selection");

  private static final List<String> SEED_KEYS =
      List.of("failure", "healthCheck", "maxBodyBytes", "cooldown");

  private static final List<String> FAILURE_KEYS =
      concat(List.of("failureThreshold", "conditions"), EjectionReader.KEYS);

  /** Keys that belong beside {@code failover}, found inside it. */
  public static final Map<String, String> MISPLACED = Map.of(
      "retryOnFailure", "belongs beside failover, not inside it",
      "whenAllEjected", "belongs beside failover, not inside it",
      "selection", "belongs beside failover, not inside it");

  /** {@link #MISPLACED}, and the ejection policy's keys, which belong one level down. */
  private static final Map<String, String> SEED_HINTS = seedHints();

  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private FailoverReader() {}

  /** The configuration, or null when anything was reported. */
  public static FailoverConfig read(Fields scope) {
    Node failover = scope.get("failover");
    int before = failover.problemsSoFar();
    FailoverConfig.Builder b = FailoverConfig.builder();
    if (failover.require("")) {
      Fields f = failover.fields();
      List<String> higress = HigressMapper.KEYS.stream().filter(f::has).toList();
      if (higress.isEmpty()) {
        seed(f, scope.get("healthCheck"), b, List.of());
      } else if (f.has("failure")) {
        failover.problem("mixes the seed format (failure) with Higress ai-proxy keys ("
            + String.join(", ", higress) + "); use one format");
        seed(f, scope.get("healthCheck"), b, HigressMapper.KEYS);
      } else {
        HigressMapper.read(f, scope.get("healthCheck"), b);
      }
    }
    b.retry(RetryReader.read(scope.get("retryOnFailure")));
    WhenAllEjected when = scope.get("whenAllEjected").choice(WhenAllEjected.class);
    if (when != null) {
      b.whenAllEjected(when);
    }
    SelectionStrategy selection = scope.get("selection").choice(SelectionStrategy.class);
    if (selection != null) {
      b.selection(selection);
    }
    if (!failover.present() || failover.problemsSoFar() != before) {
      return null;
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      failover.problem(e.getMessage());
      return null;
    }
  }

  /** The seed's format: {@code failure}, {@code healthCheck}, {@code maxBodyBytes}, {@code cooldown}. */
  private static void seed(Fields f, Node outerHealthCheck, FailoverConfig.Builder b,
      List<String> alsoAllowed) {
    f.rejectUnknown(concat(SEED_KEYS, alsoAllowed), SEED_HINTS);
    Node failure = f.get("failure");
    if (failure.require("")) {
      Fields rules = failure.fields();
      rules.rejectUnknown(FAILURE_KEYS);
      Integer threshold = rules.get("failureThreshold").integer(1, FailoverConfig.MAX_THRESHOLD);
      if (threshold != null) {
        b.failureThreshold(threshold);
      }
      Node conditions = rules.get("conditions");
      if (conditions.require("")) {
        conditions(b, Conditions.list(conditions, true));
      }
      EjectionPolicy ejection = EjectionReader.read(rules);
      if (ejection != null) {
        b.ejection(ejection);
      }
    }
    Node healthCheck = oneHealthCheck(f.get("healthCheck"), outerHealthCheck);
    if (healthCheck != null) {
      b.healthCheck(HealthCheckReader.read(healthCheck));
    }
    maxBodyBytes(f, b);
    b.cooldown(f.get("cooldown").duration(null));
  }

  /** The health check given inside failover or beside it; both at once is reported. */
  public static Node oneHealthCheck(Node inner, Node outer) {
    if (inner.present() && outer.present()) {
      outer.problem("given both here and as " + inner.path() + "; keep one");
      return null;
    }
    return inner.present() ? inner : outer.present() ? outer : null;
  }

  public static void maxBodyBytes(Fields f, FailoverConfig.Builder b) {
    Integer max = f.get("maxBodyBytes")
        .integer(1, MAX_BODY_BYTES, "is not between 1 and " + MAX_BODY_BYTES + " (16 MiB)");
    if (max != null) {
      b.maxBodyBytes(max);
    }
  }

  public static void conditions(FailoverConfig.Builder b, List<Condition> conditions) {
    if (conditions != null && !conditions.isEmpty()) {
      b.conditions(conditions.toArray(Condition[]::new));
    }
  }

  private static Map<String, String> seedHints() {
    Map<String, String> hints = new HashMap<>(MISPLACED);
    for (String key : EjectionReader.KEYS) {
      hints.put(key, "belongs in failure, beside failureThreshold");
    }
    return Map.copyOf(hints);
  }

  public static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
