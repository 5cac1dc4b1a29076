package io.github.failover4j.proxy;

import io.github.failover4j.redis.RedisFleet;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway file's {@code fleet:} (SPEC §8): the Redis every replica of this gateway shares
 * its token state through.
 *
 * <pre>{@code
 * fleet:
 *   redis: "${REDIS_URL}"     # or file:PATH, or a URI; its password is a secret
 *   prefix: failover4j        # first part of every key; replicas of one gateway share it
 *   replicaId: gw-1           # default: r- and 8 random hex digits
 *   resyncPeriod: 10s
 *   leaseTime: 30s
 * }</pre>
 *
 * @param redis the Redis URI, resolved; a secret, never printed (see {@link #maskedRedis()})
 * @param prefix the key prefix
 * @param replicaId this replica's id, or null for a random one
 * @param resyncPeriod how often every pool is re-read in full, or null for the default
 * @param leaseTime how long a probe lease lasts, or null for the default
 */
public record FleetConfig(String redis, String prefix, String replicaId, Duration resyncPeriod,
    Duration leaseTime) {

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "failover4j";

  /** Requires the URI and the prefix. */
  public FleetConfig {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(prefix, "prefix");
  }

  /** The Redis URI with its password masked. */
  public String maskedRedis() {
    return RedisFleet.mask(redis);
  }

  /** Connects (in the background: a Redis that is down only means the pools work alone). */
  RedisFleet connect() {
    RedisFleet.Builder b = RedisFleet.builder(redis).prefix(prefix);
    if (replicaId != null) {
      b.replicaId(replicaId);
    }
    if (resyncPeriod != null) {
      b.resyncPeriod(resyncPeriod);
    }
    if (leaseTime != null) {
      b.leaseTime(leaseTime);
    }
    return b.build();
  }

  /** Shows the URI masked. */
  @Override
  public String toString() {
    return "FleetConfig[" + maskedRedis() + ", prefix=" + prefix
        + (replicaId == null ? "" : ", replicaId=" + replicaId)
        + (resyncPeriod == null ? "" : ", resyncPeriod=" + resyncPeriod)
        + (leaseTime == null ? "" : ", leaseTime=" + leaseTime) + "]";
  }
}
