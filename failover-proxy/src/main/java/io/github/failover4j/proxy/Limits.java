package io.github.failover4j.proxy;

/**
 * The proxy's memory and size limits, the gateway file's top-level {@code limits:} (read by
 * {@link LimitsReader}).
 *
 * @param retryBufferBytes request bodies kept for retries, all requests together; a request
 *     whose body does not fit is sent once, not retried
 * @param retryBodyBytes the longest request body kept for retries; a longer one is sent once
 * @param upstreamHeadBytes the largest response head accepted from an upstream; a larger one
 *     is answered {@code 502}
 */
public record Limits(long retryBufferBytes, int retryBodyBytes, int upstreamHeadBytes) {
  /** {@code retryBufferBytes: 64MiB, retryBodyBytes: 8MiB, upstreamHeadBytes: 64KiB}. */
  public static final Limits DEFAULT = new Limits(64L << 20, 8 << 20, 64 << 10);

  /** Checks the values. */
  public Limits {
    if (retryBufferBytes < 0 || retryBodyBytes < 0) {
      throw new IllegalArgumentException("limits: retry buffers cannot be negative");
    }
    if (upstreamHeadBytes < 1024) {
      throw new IllegalArgumentException("limits.upstreamHeadBytes: " + upstreamHeadBytes
          + " is below 1KiB");
    }
  }
}
