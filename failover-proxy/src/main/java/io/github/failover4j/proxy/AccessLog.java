package io.github.failover4j.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One line per request ({@code accessLog:} in the gateway file; off by default): time, client
 * name, provider, model, masked token, attempts, status, latency, method and path (without the
 * query, which could carry a key). Never a token or a client key.
 */
final class AccessLog {
  /** How lines are written. */
  enum Format {
    /** {@code key=value} pairs, one request a line. */
    TEXT,
    /** One JSON object a line (JSON lines). */
    JSON
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessLog() {}

  /** Writes {@code r}'s line to {@code sink} in {@code format}. */
  static void write(Format format, RequestObserver.Record r, long nanos, Consumer<String> sink) {
    sink.accept(format == Format.JSON ? json(r, nanos) : text(r, nanos));
  }

  static String text(RequestObserver.Record r, long nanos) {
    return Instant.now() + " client=" + orDash(r.client) + " provider=" + orDash(r.provider)
        + " model=" + orDash(r.model()) + " token=" + orDash(r.token) + " attempts="
        + r.attempts + " status=" + (r.status == 0 ? "aborted" : String.valueOf(r.status))
        + " latency_ms=" + nanos / 1_000_000 + " method=" + r.method + " path=" + r.path;
  }

  static String json(RequestObserver.Record r, long nanos) {
    ObjectNode n = JSON.createObjectNode()
        .put("time", Instant.now().toString())
        .put("client", r.client)
        .put("provider", r.provider)
        .put("model", r.model())
        .put("token", r.token)
        .put("attempts", r.attempts);
    if (r.status == 0) {
      n.put("status", "aborted");
    } else {
      n.put("status", r.status);
    }
    n.put("latencyMs", nanos / 1_000_000).put("method", r.method).put("path", r.path);
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s.replace(' ', '_');
  }
}
