package io.github.failover4j.core.internal;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the Higress ai-proxy {@code failover} block onto the model. Durations are milliseconds;
 * {@code failoverOnStatus} regexes are matched against the whole status (unlike Higress, where
 * {@code "4.*"} would also match 504). Higress's defaults apply where the seed has none: a
 * failure threshold of 3 and {@code failoverOnStatus: ["4.*", "5.*"]}.
 */
final class HigressMapper {
  /** The keys that make a {@code failover} block a Higress one. */
  static final List<String> KEYS = List.of("enabled", "failureThreshold", "successThreshold",
      "healthCheckInterval", "healthCheckTimeout", "healthCheckModel", "failoverOnStatus",
      "cooldownDuration");

  /** Higress's default failure threshold. */
  static final int DEFAULT_FAILURE_THRESHOLD = 3;

  private static final List<String> HEALTH_KEYS =
      List.of("successThreshold", "healthCheckInterval", "healthCheckTimeout");

  private HigressMapper() {}

  /** Reads the block into {@code b}; problems are reported against the fields' paths. */
  static void read(Fields f, Node outerHealthCheck, FailoverConfig.Builder b) {
    Map<String, String> hints = new HashMap<>(FailoverReader.MISPLACED);
    hints.put("healthCheck", "is the seed format's; with Higress keys use healthCheckModel, "
        + "healthCheckInterval and healthCheckTimeout, or put healthCheck beside failover");
    f.rejectUnknown(FailoverReader.concat(KEYS, List.of("maxBodyBytes")), hints);
    Node enabled = f.get("enabled");
    if (Boolean.FALSE.equals(enabled.bool())) {
      enabled.invalid("disables failover, which a failover block cannot express; remove the "
          + "failover block to go without failover, or set enabled: true");
    }
    Integer threshold = f.get("failureThreshold").integer(1, FailoverConfig.MAX_THRESHOLD);
    b.failureThreshold(threshold == null ? DEFAULT_FAILURE_THRESHOLD : threshold);
    Node onStatus = f.get("failoverOnStatus");
    Set<Integer> statuses = onStatus.present() ? Conditions.statusPatterns(onStatus, false)
        : range(400, 599);
    if (!statuses.isEmpty()) {
      b.conditions(new Condition(statuses, List.of(), null));
    }
    healthCheck(f, outerHealthCheck, b);
    b.cooldown(f.get("cooldownDuration").duration("ms"));
    FailoverReader.maxBodyBytes(f, b);
  }

  private static void healthCheck(Fields f, Node outer, FailoverConfig.Builder b) {
    Node modelNode = f.get("healthCheckModel");
    if (!modelNode.present()) {
      for (String key : HEALTH_KEYS) {
        if (f.has(key)) {
          f.get(key).invalid("has no effect without healthCheckModel; set healthCheckModel "
              + "or remove it");
        }
      }
      if (outer.present()) {
        b.healthCheck(HealthCheckReader.read(outer));
      }
      return;
    }
    String model = modelNode.nonBlankString();
    Duration period = f.get("healthCheckInterval").duration("ms");
    Duration timeout = f.get("healthCheckTimeout").duration("ms");
    Integer success = f.get("successThreshold").integer(1, FailoverConfig.MAX_THRESHOLD);
    if (outer.present()) {
      outer.problem("given both here and as " + modelNode.path() + "; keep one");
    } else if (model != null) {
      // A bad interval, timeout or threshold was reported; the config is not built then.
      b.healthCheck(new HealthCheck(
          period == null ? HealthCheckReader.DEFAULT_PERIOD : period,
          timeout == null ? HealthCheckReader.DEFAULT_TIMEOUT : timeout,
          success == null ? 1 : success, HealthCheck.DEFAULT_CONTENT, model,
          HealthCheck.DEFAULT_PATH, List.of(Condition.status(200))));
    }
  }

  private static Set<Integer> range(int from, int to) {
    Set<Integer> codes = new LinkedHashSet<>();
    for (int code = from; code <= to; code++) {
      codes.add(code);
    }
    return codes;
  }
}
