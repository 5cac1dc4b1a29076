package io.github.failover4j.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * The proxy's memory and size limits, the gateway file's top-level {@code limits:} (read by
 * {@link LimitsReader}).
 *
 * @param retryBufferBytes request bodies kept for retries, all requests together; a request
 *     whose body does not fit is sent once, not retried
 * @param retryBodyBytes the longest request body kept for retries; a longer one is sent once
 * @param upstreamHeadBytes the largest response head accepted from an upstream; a larger one
 *     is answered {@code 502}
 * @param upstreamIdlePerLoop keep-alive upstream connections kept idle per event loop, all
 *     providers together; a connection released when that many are idle is closed
 * @param upstreamIdleTimeout how long an idle upstream connection is kept before it is closed
 * @param upstreamMaxPerProvider upstream connections open at once to one provider, all event
 *     loops together (like nginx's {@code max_conns}); an attempt over it waits for one, up to
 *     its connect timeout. {@code 0}: no limit (the default)
 */
public record Limits(long retryBufferBytes, int retryBodyBytes, int upstreamHeadBytes,
    int upstreamIdlePerLoop, Duration upstreamIdleTimeout, int upstreamMaxPerProvider) {
  /**
   * {@code retryBufferBytes: 64MiB, retryBodyBytes: 8MiB, upstreamHeadBytes: 64KiB,
   * upstreamIdlePerLoop: 1024, upstreamIdleTimeout: 60s, upstreamMaxPerProvider: 0} (no
   * limit).
   */
  public static final Limits DEFAULT = new Limits(64L << 20, 8 << 20, 64 << 10);

  /** The given memory limits with the default upstream pool (1024 idle per loop, 60 s). */
  public Limits(long retryBufferBytes, int retryBodyBytes, int upstreamHeadBytes) {
    this(retryBufferBytes, retryBodyBytes, upstreamHeadBytes, 1024, Duration.ofSeconds(60));
  }

  /** The given limits with no limit on connections per provider. */
  public Limits(long retryBufferBytes, int retryBodyBytes, int upstreamHeadBytes,
      int upstreamIdlePerLoop, Duration upstreamIdleTimeout) {
    this(retryBufferBytes, retryBodyBytes, upstreamHeadBytes, upstreamIdlePerLoop,
        upstreamIdleTimeout, 0);
  }

  /** Checks the values. */
  public Limits {
    if (retryBufferBytes < 0 || retryBodyBytes < 0) {
      throw new IllegalArgumentException("limits: retry buffers cannot be negative");
    }
    if (upstreamHeadBytes < 1024) {
      throw new IllegalArgumentException("limits.upstreamHeadBytes: " + upstreamHeadBytes
          + " is below 1KiB");
    }
    if (upstreamIdlePerLoop < 0) {
      throw new IllegalArgumentException("limits.upstreamIdlePerLoop cannot be negative");
    }
    if (upstreamMaxPerProvider < 0) {
      throw new IllegalArgumentException("limits.upstreamMaxPerProvider cannot be negative");
    }
    Objects.requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
    if (upstreamIdleTimeout.isNegative() || upstreamIdleTimeout.isZero()) {
      throw new IllegalArgumentException("limits.upstreamIdleTimeout must be positive");
    }
  }
}
