package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A provider's timeouts on the wire (SPEC §10), the gateway file's {@code timeouts: {connect:
 * 5s, response: 60s, firstByte: off, idle: 30s}}. A timeout is a transport error: it never
 * counts against the token, and may be retried on another token within the request's budget
 * ({@code retryOnFailure.timeout}).
 *
 * @param connect longest wait for the TCP (and TLS) connection to the upstream
 * @param response longest wait from the request for the response head
 * @param firstByte longest wait from the response head for its first body byte, or {@code
 *     null} when off
 * @param idle longest silence inside a response body or stream
 */
public record Timeouts(Duration connect, Duration response, Duration firstByte, Duration idle) {
  /** {@code connect: 5s, response: 60s, firstByte: off, idle: 30s}. */
  public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5),
      Duration.ofSeconds(60), null, Duration.ofSeconds(30));

  static final List<String> KEYS = List.of("connect", "response", "firstByte", "idle");

  /** Checks that every timeout given is positive. */
  public Timeouts {
    Objects.requireNonNull(connect, "connect");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(idle, "idle");
    for (Duration d : new Duration[] {connect, response, firstByte, idle}) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException("timeouts: " + d + " is not positive");
      }
    }
  }

  /** Reads {@code node} ({@code timeouts:}), each key defaulted; null after a reported problem. */
  static Timeouts read(Node node) {
    if (!node.present()) {
      return DEFAULT;
    }
    int before = node.problemsSoFar();
    Fields f = node.fields();
    f.rejectUnknown(KEYS);
    Duration connect = or(f.get("connect"), DEFAULT.connect);
    Duration response = or(f.get("response"), DEFAULT.response);
    Node firstByteNode = f.get("firstByte");
    Duration firstByte = "off".equals(firstByteNode.value()) || Boolean.FALSE.equals(
        firstByteNode.value()) ? null : or(firstByteNode, DEFAULT.firstByte);
    Duration idle = or(f.get("idle"), DEFAULT.idle);
    return node.problemsSoFar() != before ? null
        : new Timeouts(connect, response, firstByte, idle);
  }

  private static Duration or(Node node, Duration otherwise) {
    return node.present() ? node.duration(null) : otherwise;
  }
}
