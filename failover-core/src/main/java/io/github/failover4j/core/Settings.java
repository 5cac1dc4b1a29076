package io.github.failover4j.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;

/** A {@link FailoverConfig} compiled for one pool: rules, probe body and durations in nanos. */
final class Settings {
  private static final ObjectMapper JSON = new ObjectMapper();

  final FailoverConfig config;
  final Rules failure;
  final Rules health;
  final byte[] probeBody;
  final URI probeUri;
  final long periodNanos;
  final long timeoutNanos;
  final long cooldownNanos;

  Settings(FailoverConfig config, URI upstream) {
    this.config = config;
    this.failure = new Rules(config.failure().conditions(), "failover.failure.conditions",
        config.maxBodyBytes());
    HealthCheck hc = config.healthCheck();
    if (hc == null) {
      health = null;
      probeBody = null;
      probeUri = null;
      periodNanos = 0;
      timeoutNanos = 0;
    } else {
      health = new Rules(hc.conditions(), "healthCheck.conditions", config.maxBodyBytes());
      probeBody = probeBody(hc, hc.model());
      probeUri = upstream == null ? null : join(upstream, hc.path());
      periodNanos = hc.period().toNanos();
      timeoutNanos = hc.timeout().toNanos();
    }
    cooldownNanos = config.cooldown() == null ? 0 : config.cooldown().toNanos();
  }

  int failureThreshold() {
    return config.failure().failureThreshold();
  }

  /**
   * {@code {"model": …, "messages": [{"role": "user", "content": …}]}} with the health check's
   * prompt and {@code model}, the health check's own or a target's.
   */
  static byte[] probeBody(HealthCheck hc, String model) {
    try {
      var body = JSON.createObjectNode().put("model", model);
      body.putArray("messages").addObject().put("role", "user").put("content", hc.content());
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the probe body", e);
    }
  }

  /** {@code https://host/base} + {@code /v1/x} → {@code https://host/base/v1/x}. */
  static URI join(URI base, String path) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return URI.create(b + (path.startsWith("/") ? path : "/" + path));
  }
}
