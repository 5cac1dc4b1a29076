package io.github.failover4j.redis;

import io.github.failover4j.core.FleetState;
import io.github.failover4j.core.TokenState;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fleet's one I/O thread. Pools hand it work through a bounded lock-free queue and never
 * wait; it writes transitions, takes and renews probe leases, applies what other replicas
 * published, and re-reads every pool's state on (re)connect and every resync period. When
 * Redis cannot be reached it says so once, lets every pool work alone (writes wait for the
 * reconnect, every probe is allowed) and reconciles when Redis is back: per token, the newest
 * version wins.
 */
final class Worker implements Runnable {
  private static final System.Logger LOG = System.getLogger(RedisFleet.class.getName());
  private static final int CAPACITY = 1 << 16;
  private static final long RETRY_NANOS = 200_000_000L;

  private final RedisFleet.Settings settings;
  private final Connector connector;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** Set when work was dropped or Redis came back: the next turn resyncs every pool. */
  private final AtomicBoolean resyncWanted = new AtomicBoolean();
  private final List<PoolLink> links = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean reachable;

  private StatefulConnection<String, String> connection;
  private RedisClusterCommands<String, String> commands;
  private StatefulRedisPubSubConnection<String, String> pubsub;
  /** An outage was logged and not yet its end. */
  private boolean outage;
  private long nextResync;
  private long nextRenew;
  private long nextRetry;

  Worker(RedisFleet.Settings settings, Connector connector) {
    this.settings = settings;
    this.connector = connector;
    connector.onConnected(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        resyncWanted.set(true);
        nextRetry = 0;
        wake();
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
        submit(Worker.this::check); // notice the outage now, not at the next call
      }
    });
    this.thread = new Thread(this, "failover4j-fleet-" + settings.replica());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean reachable() {
    return reachable;
  }

  /**
   * Queues work for the I/O thread; false when the fleet is closed, or the queue is full (a
   * resync then follows).
   */
  boolean submit(Runnable task) {
    if (!running) {
      return false; // closed: the pools work alone
    }
    if (queued.incrementAndGet() > CAPACITY) {
      queued.decrementAndGet();
      resyncWanted.set(true); // the resync pushes whatever local state the lost task carried
      return false;
    }
    queue.offer(task);
    wake();
    return true;
  }

  private void wake() {
    LockSupport.unpark(thread);
  }

  PoolLink join(PoolLink link) {
    links.add(link);
    submit(() -> {
      if (reachable) {
        subscribe(List.of(link));
        resync(link);
      }
    });
    return link;
  }

  /** Stops the thread and closes the connections; waits up to {@code millis}. */
  void stop(long millis) throws InterruptedException {
    running = false;
    wake();
    thread.join(millis);
  }

  // ------------------------------------------------------------------ the loop

  @Override
  public void run() {
    try {
      while (running) {
        long now = System.nanoTime();
        if ((connection == null || !reachable) && now - nextRetry >= 0) {
          reconnect(now);
          continue;
        }
        Runnable task = queue.poll();
        if (task != null) {
          queued.decrementAndGet();
          runSafely(task);
        } else if (reachable && (resyncWanted.getAndSet(false) || now - nextResync >= 0)) {
          nextResync = now + settings.resyncPeriod().toNanos();
          for (PoolLink link : links) {
            resync(link);
          }
        } else if (reachable && now - nextRenew >= 0) {
          nextRenew = now + settings.leaseTime().toNanos() / 3;
          renewLeases();
        } else {
          long until = reachable ? Math.min(nextResync - now, nextRenew - now) : nextRetry - now;
          LockSupport.parkNanos(this, Math.max(1_000_000L, until));
        }
      }
    } finally {
      connector.close(connection, pubsub);
    }
  }

  /** Runs a task; one that throws (a pool's listener, a malformed state) ends only itself. */
  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "fleet " + settings.maskedUri() + ": a fleet task failed; "
          + "ignored", e);
    }
  }

  /** Connects the first time, or checks whether Redis is back after an outage. */
  private void reconnect(long now) {
    nextRetry = now + RETRY_NANOS;
    try {
      if (connection == null) {
        connection = connector.connect();
        commands = connector.commands(connection);
      }
      if (pubsub == null) {
        pubsub = connector.connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            received(channel, message);
          }
        });
      }
      commands.ping();
      subscribe(links);
    } catch (RuntimeException e) {
      down(e);
      return;
    }
    reachable = true;
    if (outage) {
      outage = false;
      LOG.log(Level.INFO, "fleet {0}: Redis is reachable again; reconciling every pool",
          settings.maskedUri());
    }
    resyncWanted.set(true);
  }

  private void subscribe(List<PoolLink> toSubscribe) {
    if (pubsub != null && !toSubscribe.isEmpty()) {
      pubsub.sync().subscribe(toSubscribe.stream().map(l -> l.keys.channel())
          .toArray(String[]::new));
    }
  }

  /** Pings Redis; marks it unreachable if it does not answer. */
  private void check() {
    if (reachable && commands != null) {
      try {
        commands.ping();
      } catch (RuntimeException e) {
        down(e);
      }
    }
  }

  /** Redis failed a call: every pool works alone until it is back. Logs once per outage. */
  private void down(RuntimeException e) {
    reachable = false;
    if (!outage) {
      outage = true;
      LOG.log(Level.WARNING, "fleet {0}: Redis is unreachable ({1}); every pool works alone "
          + "until it is back", settings.maskedUri(),
          Uris.scrub(e.getClass().getSimpleName() + ": " + e.getMessage(), settings.uri()));
    }
  }

  // ------------------------------------------------------------------ tasks

  /** Writes a local transition; a refused one makes the stored state this replica's. */
  void write(PoolLink link, FleetState state) {
    if (!reachable || link.closed) {
      return; // the resync after the reconnect writes it if it is still the newest
    }
    String fp = state.fingerprint();
    String lease = state.byProbe() ? link.held.getOrDefault(fp, "") : "";
    String[] fields = States.args(state, settings.replica());
    String[] args = Arrays.copyOf(fields, fields.length + 4);
    args[fields.length] = Long.toString(settings.stateTtl().toMillis());
    args[fields.length + 1] = lease;
    args[fields.length + 2] = link.keys.channel();
    args[fields.length + 3] = fp;
    List<Object> reply;
    try {
      reply = commands.eval(Scripts.WRITE, ScriptOutputType.MULTI,
          new String[] {link.keys.token(fp), link.keys.lease(fp)}, args);
    } catch (RuntimeException e) {
      down(e);
      return;
    }
    long code = (Long) reply.get(0);
    if (code == Scripts.WRITTEN) {
      if (state.state() != TokenState.EJECTED) {
        link.held.remove(fp);
      }
      return;
    }
    FleetState stored = States.parse(fp, reply.subList(1, reply.size()));
    if (code == Scripts.NOT_LEASE_HOLDER) {
      link.held.remove(fp);
      LOG.log(Level.DEBUG, "fleet {0}: a restore by probe of token {1} was refused: this "
          + "replica no longer holds its probe lease", link.keys.tag(), fp);
      if (stored != null) {
        link.member.override(stored);
      }
    } else if (stored != null) {
      link.member.apply(stored);
    }
  }

  /** Answers whether this replica may probe: it holds, renews or just took the lease. */
  void lease(PoolLink link, String fp, CompletableFuture<Boolean> answer) {
    String value = null;
    boolean alone = !reachable;
    if (!alone) {
      try {
        value = takeLease(link, fp);
      } catch (RuntimeException e) {
        down(e);
        alone = true;
      }
    }
    link.probers.put(fp, alone || value != null ? settings.replica() : holder(link, fp));
    answer.complete(alone || value != null);
  }

  /** The replica holding another replica's lease on {@code fp}, or "" when unknown. */
  private String holder(PoolLink link, String fp) {
    try {
      String v = commands.get(link.keys.lease(fp));
      int hash = v == null ? -1 : v.lastIndexOf('#');
      return hash < 0 ? "" : v.substring(0, hash);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The fleet view of pool {@code pool}'s tokens on this replica (see RedisFleet#view). */
  List<RedisFleet.TokenView> view(String pool) {
    PoolLink link = null;
    for (PoolLink l : links) {
      if (!l.closed && l.member.pool().equals(pool)) {
        link = l; // the newest: a reloaded pool replaces the one before it
      }
    }
    if (link == null) {
      return List.of();
    }
    List<RedisFleet.TokenView> out = new ArrayList<>();
    for (String fp : link.member.fingerprints()) {
      FleetState s = link.member.state(fp);
      boolean ejected = s != null && s.state() == TokenState.EJECTED;
      if (!ejected) {
        link.probers.remove(fp);
      }
      String prober = ejected ? link.probers.get(fp) : null;
      out.add(new RedisFleet.TokenView(fp, s == null ? 0 : s.version(),
          prober == null || prober.isEmpty() ? null : prober));
    }
    return out;
  }

  private String takeLease(PoolLink link, String fp) {
    String value = commands.eval(Scripts.LEASE, ScriptOutputType.VALUE,
        new String[] {link.keys.lease(fp), link.keys.fence(fp), link.keys.token(fp)},
        settings.replica(),
        Long.toString(settings.leaseTime().toMillis()),
        Long.toString(settings.stateTtl().toMillis()));
    if (value == null) {
      link.held.remove(fp);
    } else {
      link.held.put(fp, value);
    }
    return value;
  }

  /** Keeps the leases of tokens still out here; drops the others. */
  private void renewLeases() {
    for (PoolLink link : links) {
      for (Map.Entry<String, String> e : link.held.entrySet()) {
        FleetState known = link.member.state(e.getKey());
        if (known == null || known.state() != TokenState.EJECTED) {
          link.held.remove(e.getKey());
          continue;
        }
        try {
          takeLease(link, e.getKey());
        } catch (RuntimeException ex) {
          down(ex);
          return;
        }
      }
    }
  }

  /** Reconciles one pool with the store: per token, the newer version wins, either way. */
  void resync(PoolLink link) {
    if (!reachable || link.closed) {
      return;
    }
    List<String> fps = link.member.fingerprints();
    if (fps.isEmpty()) {
      return;
    }
    String[] keys = fps.stream().map(link.keys::token).toArray(String[]::new);
    List<Object> reply;
    try {
      reply = commands.eval(Scripts.READ, ScriptOutputType.MULTI, keys,
          Long.toString(settings.stateTtl().toMillis()));
    } catch (RuntimeException e) {
      down(e);
      return;
    }
    int n = States.FIELDS.size();
    List<FleetState> newer = new ArrayList<>();
    for (int i = 0; i < fps.size(); i++) {
      String fp = fps.get(i);
      FleetState stored = States.parse(fp, reply.subList(i * n, i * n + n));
      FleetState local = link.member.state(fp);
      if (stored != null && (local == null || stored.version() >= local.version())) {
        if (stored.state() != TokenState.EJECTED) {
          link.held.remove(fp);
        }
        link.member.apply(stored);
      } else if (local != null) {
        newer.add(local);
      }
    }
    for (FleetState local : newer) {
      write(link, local);
    }
  }

  /** A message from another replica (on Lettuce's thread): applied in order on this one. */
  private void received(String channel, String message) {
    for (PoolLink link : links) {
      if (link.keys.channel().equals(channel)) {
        List<String> parts = Arrays.asList(message.split("\\|", -1));
        if (parts.size() != 1 + States.FIELDS.size()
            || States.replica(parts.subList(1, parts.size())).equals(settings.replica())) {
          return; // malformed, or this replica's own write
        }
        FleetState state;
        try {
          state = States.parse(parts.get(0), parts.subList(1, parts.size()));
        } catch (RuntimeException malformed) {
          LOG.log(Level.DEBUG, "fleet {0}: ignored a malformed message", channel);
          return;
        }
        if (state != null) {
          submit(() -> {
            if (state.state() != TokenState.EJECTED) {
              link.held.remove(state.fingerprint());
            }
            link.member.apply(state);
          });
        }
      }
    }
  }

  /** A pool closed: stop following it. */
  void leave(PoolLink link) {
    links.remove(link);
    if (reachable && pubsub != null) {
      try {
        pubsub.sync().unsubscribe(link.keys.channel());
      } catch (RuntimeException e) {
        down(e);
      }
    }
  }
}
