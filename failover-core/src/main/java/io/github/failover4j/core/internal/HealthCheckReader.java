package io.github.failover4j.core.internal;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/** Reads the seed's {@code healthCheck} block. */
final class HealthCheckReader {
  private static final List<String> KEYS = List.of("periodSeconds", "period", "timeoutSeconds",
      "timeout", "successThreshold", "content", "model", "path", "conditions");

  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private HealthCheckReader() {}

  /** The health check, or null when anything was reported. */
  static HealthCheck read(Node node) {
    int before = node.problemsSoFar();
    Fields f = node.fields();
    f.rejectUnknown(KEYS);
    Duration period = oneOf(f, "periodSeconds", "s", "period", DEFAULT_PERIOD);
    Duration timeout = oneOf(f, "timeoutSeconds", "s", "timeout", DEFAULT_TIMEOUT);
    Integer success = f.get("successThreshold").integer(1, FailoverConfig.MAX_THRESHOLD);
    Node contentNode = f.get("content");
    String content = contentNode.present() ? contentNode.nonBlankString()
        : HealthCheck.DEFAULT_CONTENT;
    Node modelNode = f.get("model");
    String model = modelNode.require("when healthCheck is set") ? modelNode.nonBlankString()
        : null;
    String path = path(f.get("path"));
    Node conditionsNode = f.get("conditions");
    List<Condition> conditions = conditionsNode.present() ? Conditions.list(conditionsNode)
        : List.of(Condition.status(200));
    if (node.problemsSoFar() != before) {
      return null;
    }
    return new HealthCheck(period, timeout, success == null ? 1 : success, content, model, path,
        conditions);
  }

  /**
   * A duration given either as a number of {@code unit} under {@code numberKey} or as a
   * duration string under {@code durationKey}, not both.
   */
  static Duration oneOf(Fields f, String numberKey, String unit, String durationKey,
      Duration fallback) {
    Node number = f.get(numberKey);
    Node duration = f.get(durationKey);
    if (number.present() && duration.present()) {
      duration.problem("given together with " + numberKey + "; use one");
      return null;
    }
    if (number.present()) {
      return number.duration(unit);
    }
    return duration.present() ? duration.duration(null) : fallback;
  }

  private static String path(Node node) {
    if (!node.present()) {
      return HealthCheck.DEFAULT_PATH;
    }
    String path = node.nonBlankString();
    if (path == null) {
      return null;
    }
    if (!path.startsWith("/")) {
      node.invalid("does not start with /");
      return null;
    }
    try {
      new URI("http", "h", null, null).resolve(new URI(path));
      return path;
    } catch (URISyntaxException e) {
      node.invalid("is not a valid request path: " + e.getReason());
      return null;
    }
  }
}
