/**
 * Fleet state over Redis (SPEC §8): {@link io.github.failover4j.redis.RedisFleet} shares every
 * pool's token ejections, operator actions and cooldown deadlines between the replicas of a
 * gateway, and lets one replica at a time probe an ejected token. Standalone, Sentinel and
 * Cluster through Lettuce.
 */
module io.github.failover4j.redis {
  requires transitive io.github.failover4j.core;
  requires lettuce.core;

  exports io.github.failover4j.redis;
}
