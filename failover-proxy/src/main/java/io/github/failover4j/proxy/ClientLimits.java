package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the proxy allows its clients, set under the gateway file's {@code limits} key:
 *
 * <pre>{@code
 * limits:
 *   maxConnections: 10000    # client connections open at once; more are answered 503
 *   headerTimeout: 10s       # a request head must arrive whole within this
 *   keepAliveTimeout: 60s    # an idle keep-alive connection is closed after this
 *   maxHeaderBytes: 16384    # request heads larger than this get 431
 * }</pre>
 *
 * @param maxConnections client connections open at once; a connection over it is answered
 *     {@code 503} and closed
 * @param headerTimeout how long a client may take to send a request head, from its first
 *     byte (or, on a new connection, from the accept); then the connection is closed
 * @param keepAliveTimeout how long a connection may idle between requests before it is closed
 * @param maxHeaderBytes the largest request head (header lines) accepted; larger gets {@code
 *     431} and a close
 */
public record ClientLimits(int maxConnections, Duration headerTimeout, Duration keepAliveTimeout,
    int maxHeaderBytes) {
  /** The defaults: 10,000 connections, 10 s, 60 s, 16 KiB. */
  public static final ClientLimits DEFAULTS = new ClientLimits(10_000, Duration.ofSeconds(10),
      Duration.ofSeconds(60), 16 * 1024);

  /** The keys this record reads under {@code limits}. */
  static final List<String> KEYS = List.of("maxConnections", "headerTimeout",
      "keepAliveTimeout", "maxHeaderBytes");

  /** The largest {@code maxHeaderBytes}. */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /** Checks every field. */
  public ClientLimits {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " is less than 1");
    }
    if (headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("headerTimeout: " + headerTimeout + " is not positive");
    }
    if (keepAliveTimeout.isNegative() || keepAliveTimeout.isZero()) {
      throw new IllegalArgumentException("keepAliveTimeout: " + keepAliveTimeout
          + " is not positive");
    }
    if (maxHeaderBytes < 1024 || maxHeaderBytes > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes
          + " is not between 1024 and " + MAX_HEADER_BYTES);
    }
  }

  /**
   * Reads this record's keys from the {@code limits} map's fields (the caller rejects unknown
   * keys, since other settings share the map); absent keys keep their default. Null when
   * anything was reported.
   */
  static ClientLimits read(Fields f) {
    Node at = f.get("maxConnections");
    int before = at.problemsSoFar();
    Integer max = at.integer(1, 1_000_000);
    Duration header = f.get("headerTimeout").duration(null);
    Duration keepAlive = f.get("keepAliveTimeout").duration(null);
    Integer headerBytes = f.get("maxHeaderBytes").integer(1024, MAX_HEADER_BYTES);
    if (at.problemsSoFar() != before) {
      return null;
    }
    return new ClientLimits(max == null ? DEFAULTS.maxConnections : max,
        header == null ? DEFAULTS.headerTimeout : header,
        keepAlive == null ? DEFAULTS.keepAliveTimeout : keepAlive,
        headerBytes == null ? DEFAULTS.maxHeaderBytes : headerBytes);
  }
}
