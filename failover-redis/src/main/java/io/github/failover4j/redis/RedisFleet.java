package io.github.failover4j.redis;

import io.github.failover4j.core.FleetSync;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One gateway replica's connection to its fleet (SPEC §8): every pool built with {@code
 * TokenPool.builder(…).fleet(fleet)} shares its token state with the pools of the same name on
 * the other replicas connected to the same Redis.
 *
 * <pre>{@code
 * RedisFleet fleet = RedisFleet.connect("redis://:secret@redis.internal:6379");
 * TokenPool pool = TokenPool.builder(provider).transport(transport).fleet(fleet).build();
 * }</pre>
 *
 * <ul>
 *   <li>A transition on one replica (ejection with its action, cooldown or back-off deadline
 *       and back-off level; restore; an operator's disable or restore) is written with a
 *       version by a Lua script that refuses older versions, and published; the others apply it
 *       within milliseconds. Every replica also re-reads its pools' state on (re)connect and
 *       every {@link Builder#resyncPeriod resync period}, since pub/sub may drop messages.
 *   <li>One replica at a time probes an ejected token: the holder of its lease ({@code SET NX
 *       PX}, renewed while held, fenced by a counter). A restore by a replica whose lease lapsed
 *       is refused; when a holder dies, another replica takes over once its lease expires.
 *   <li>Redis unreachable: every pool works alone (local ejections, local probes), the outage is
 *       logged once, and on reconnect the newest version of each token wins.
 *   <li>Redis holds fingerprints only, never a token. Keys are {@code {prefix:pool}:…}: the
 *       braces are a Cluster hash tag. They expire after {@link Builder#stateTtl} unless a
 *       replica of the pool keeps them alive, so a retired pool's state goes away by itself.
 * </ul>
 *
 * <p>The request path never waits on Redis: pools hand their transitions to this fleet's own
 * I/O thread through a bounded lock-free queue. The URI's password is masked wherever the fleet
 * prints the URI. Close the fleet after the pools that use it.
 */
public final class RedisFleet implements FleetSync, AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private final Settings settings;
  private final Worker worker;

  private RedisFleet(Builder b) {
    RedisURI uri;
    try {
      uri = RedisURI.create(b.uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("fleet.redis: " + Uris.mask(b.uri)
          + " is not a Redis URI: " + Uris.scrub(e.getMessage(), b.uri), null);
    }
    this.settings = new Settings(b.uri, Uris.mask(b.uri), b.prefix, b.replica, b.resyncPeriod,
        b.leaseTime, b.stateTtl);
    this.worker = new Worker(settings, new Connector(uri, b.cluster, b.commandTimeout));
    worker.start();
  }

  /**
   * A fleet on the Redis at {@code uri} with the defaults: {@code redis://}, {@code rediss://}
   * (TLS) or {@code redis-sentinel://}, with an optional {@code user:password@}. Connects in
   * the background: a Redis that is down now only means the pools work alone until it is up.
   *
   * @throws IllegalArgumentException when {@code uri} is not a Redis URI (the message masks
   *     its password)
   */
  public static RedisFleet connect(String uri) {
    return builder(uri).build();
  }

  /** A builder for a fleet on the Redis at {@code uri} (see {@link #connect(String)}). */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  @Override
  public Link join(Member member) {
    String pool = member.pool();
    if (!NAME.matcher(pool).matches()) {
      throw new IllegalArgumentException("fleet: pool name '" + pool + "' cannot name Redis "
          + "keys; use 1-64 of A-Z a-z 0-9 _ . : -");
    }
    return worker.join(new PoolLink(worker, member, Keys.of(settings.prefix(), pool)));
  }

  /** Whether Redis answered the last call; false while every pool works alone. */
  public boolean reachable() {
    return worker.reachable();
  }

  /**
   * What this replica knows of pool {@code pool}'s tokens in the fleet, read locally (never
   * waits on Redis): per token, the version of its newest state and, while it is ejected, the
   * replica that probes it. Empty when no pool of that name joined this fleet.
   */
  public java.util.List<TokenView> view(String pool) {
    return worker.view(Objects.requireNonNull(pool, "pool"));
  }

  /**
   * One token as this replica sees it in the fleet.
   *
   * @param fingerprint the token's fingerprint (never the token)
   * @param version the version of the newest state known here; 0 before any transition
   * @param prober the replica id holding the token's probe lease while it is ejected (this
   *     replica's own id when Redis is unreachable and it probes alone), as learnt at its last
   *     probe period; null when it is not ejected or no probe was due yet
   */
  public record TokenView(String fingerprint, long version, String prober) {}

  /** The id this replica writes into the fleet (who ejected, who holds a probe lease). */
  public String replicaId() {
    return settings.replica();
  }

  /**
   * Stops the fleet's thread and closes its connections. Leases this replica holds lapse
   * after the lease time, when another replica takes the probing over.
   */
  @Override
  public void close() {
    try {
      worker.stop(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shows the URI with its password masked, the prefix and the replica id. */
  @Override
  public String toString() {
    return "RedisFleet[" + settings.maskedUri() + ", prefix=" + settings.prefix() + ", replica="
        + settings.replica() + (reachable() ? "" : ", unreachable") + "]";
  }

  /** The fleet's settings; {@code uri} is a secret, only {@code maskedUri} is ever printed. */
  record Settings(String uri, String maskedUri, String prefix, String replica,
      Duration resyncPeriod, Duration leaseTime, Duration stateTtl) {
    @Override
    public String toString() {
      return "Settings[" + maskedUri + ", " + prefix + ", " + replica + "]";
    }
  }

  /**
   * {@code uri} with its password replaced by {@code ****} (the user name stays), for printing
   * a Redis URI before or without a fleet.
   */
  public static String mask(String uri) {
    return Uris.mask(Objects.requireNonNull(uri, "uri"));
  }

  /** Builds a {@link RedisFleet}. */
  public static final class Builder {
    private final String uri;
    private String prefix = "failover4j";
    // always 8 hex digits: a random value below 2^28 must not give a shorter id
    private String replica = String.format("r-%08x", ThreadLocalRandom.current().nextInt());
    private Duration resyncPeriod = Duration.ofSeconds(10);
    private Duration leaseTime = Duration.ofSeconds(30);
    private Duration stateTtl = Duration.ofDays(1);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private boolean cluster;

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /** The first part of every key and channel; default {@code failover4j}. */
    public Builder prefix(String prefix) {
      this.prefix = name("prefix", prefix);
      return this;
    }

    /** This replica's id in the fleet; default {@code r-} and 8 random hex digits. */
    public Builder replicaId(String replicaId) {
      this.replica = name("replicaId", replicaId);
      return this;
    }

    /** How often every pool's state is re-read in full; default 10 s. */
    public Builder resyncPeriod(Duration period) {
      this.resyncPeriod = positive("resyncPeriod", period);
      return this;
    }

    /**
     * How long a probe lease lasts unless renewed (it is renewed every third of it while the
     * token is out); also how long the fleet takes to notice that a probing replica died.
     * Default 30 s.
     */
    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = positive("leaseTime", leaseTime);
      return this;
    }

    /** How long a token's state outlives the last replica of its pool; default 1 day. */
    public Builder stateTtl(Duration ttl) {
      this.stateTtl = positive("stateTtl", ttl);
      return this;
    }

    /** The longest a Redis call may take before Redis counts as unreachable; default 2 s. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /** Connect to a Redis Cluster (the URI names one of its nodes); default standalone. */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /**
     * Builds the fleet and starts connecting in the background.
     *
     * @throws IllegalArgumentException when the URI is not a Redis URI (its password masked)
     */
    public RedisFleet build() {
      if (stateTtl.compareTo(leaseTime) < 0) {
        throw new IllegalArgumentException("fleet.stateTtl: " + stateTtl
            + " is shorter than leaseTime " + leaseTime);
      }
      return new RedisFleet(this);
    }

    private static String name(String what, String value) {
      Objects.requireNonNull(value, what);
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException("fleet." + what + ": '" + value
            + "' must be 1-64 of A-Z a-z 0-9 _ . : -");
      }
      return value;
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
        throw new IllegalArgumentException("fleet." + what + ": " + d
            + " is not a positive duration of at least 1 ms");
      }
      return d;
    }
  }
}
