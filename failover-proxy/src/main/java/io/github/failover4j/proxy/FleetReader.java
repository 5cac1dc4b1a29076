package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import io.github.failover4j.core.internal.SecretRefs;
import io.github.failover4j.redis.RedisFleet;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the gateway file's {@code fleet:} key. The Redis URI may be a secret reference ({@code
 * ${ENV}}, {@code file:PATH}); it and its password are secrets: messages show them masked.
 */
final class FleetReader {
  static final String KEY = "fleet";
  private static final List<String> KEYS = List.of("redis", "prefix", "replicaId",
      "resyncPeriod", "leaseTime");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final List<String> SCHEMES = List.of("redis://", "rediss://",
      "redis-sentinel://", "rediss-sentinel://", "redis-socket://");

  private final Collection<String> secrets;
  private final SecretRefs refs;

  FleetReader(Collection<String> secrets, SecretRefs refs) {
    this.secrets = secrets;
    this.refs = refs;
  }

  /** The fleet settings; null when absent or when anything was reported (see problems). */
  FleetConfig read(Node node) {
    if (!node.present()) {
      return null;
    }
    int before = node.problemsSoFar();
    Fields f = node.fields();
    f.rejectUnknown(KEYS);
    String redis = redis(f.get("redis"));
    Node prefixNode = f.get("prefix");
    String prefix = prefixNode.present() ? name(prefixNode) : FleetConfig.DEFAULT_PREFIX;
    Node replicaNode = f.get("replicaId");
    String replica = replicaNode.present() ? name(replicaNode) : null;
    Duration resync = positive(f.get("resyncPeriod"));
    Duration lease = positive(f.get("leaseTime"));
    if (node.problemsSoFar() != before || redis == null || prefix == null) {
      return null;
    }
    return new FleetConfig(redis, prefix, replica, resync, lease);
  }

  private String redis(Node raw) {
    Node node = raw.secret(true);
    if (!node.require("when fleet is set (e.g. \"${REDIS_URL}\")")) {
      return null;
    }
    if (node.value() instanceof String s && !SecretRefs.isReference(s)) {
      secrets.add(s.strip());
    }
    node = refs.resolve(node, secrets);
    String uri = node == null ? null : node.nonBlankString();
    if (uri == null) {
      return null;
    }
    uri = uri.strip();
    String lower = uri.toLowerCase(Locale.ROOT);
    if (SCHEMES.stream().noneMatch(lower::startsWith)) {
      node.problem(RedisFleet.mask(uri) + " is not a Redis URI; use redis://[user:password@]"
          + "host:port, rediss:// (TLS) or redis-sentinel://");
      return null;
    }
    return uri;
  }

  private static String name(Node node) {
    String value = node.nonBlankString();
    if (value != null && !NAME.matcher(value).matches()) {
      node.invalid("must be 1-64 of A-Z a-z 0-9 _ . : - (it names Redis keys)");
      return null;
    }
    return value;
  }

  private static Duration positive(Node node) {
    if (!node.present()) {
      return null;
    }
    Duration d = node.duration(null);
    if (d != null && d.toMillis() < 1) {
      node.invalid("is shorter than 1 ms");
      return null;
    }
    return d;
  }
}
