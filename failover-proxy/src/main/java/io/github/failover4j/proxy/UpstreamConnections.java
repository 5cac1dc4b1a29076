package io.github.failover4j.proxy;

import io.github.failover4j.netty.FailoverClientHandler;
import io.github.failover4j.netty.internal.ClientChannels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to the upstreams, pooled per event loop and per route: a client
 * connection's exchanges use upstream connections of the same event loop, so a connection is
 * only ever touched by one thread and the pool needs no lock. Each connection gets one close
 * listener, when it is opened, that takes it out of its idle queue; returning it to the pool
 * allocates nothing.
 *
 * <p>Routes are keyed by identity (a {@link Route} record's {@code hashCode} would walk its
 * whole provider configuration on every request; a reload makes new routes, whose
 * connections are new too). At most {@link Limits#upstreamIdlePerLoop()} connections are idle
 * per loop; one idle for {@link Limits#upstreamIdleTimeout()}, on the proxy's clock, is closed
 * (by a sweep on the loop, or when it would have been reused).
 *
 * <p>With {@link Limits#upstreamMaxPerProvider()} set, at most that many connections to one
 * provider are open (or opening) at once, all loops together ({@link ProviderSlots}). An
 * attempt that finds none free waits, first in first out in its loop's queue, for one to close
 * or come back idle, up to its connect timeout on the proxy's scheduler; then it fails with a
 * {@link ConnectTimeoutException}, a transport error like any connect timeout (the exchange's
 * own connect watchdog, armed first, usually answers it). While attempts wait, a connection
 * coming back idle goes to the first waiter of its loop (same route) or is closed to free its
 * slot, and each new waiter has every loop close one idle connection to the provider: slots
 * parked idle on another loop would otherwise be no use to it.
 */
final class UpstreamConnections {
  private final SslContext ssl;
  private final int maxHeadBytes;
  private final int maxIdlePerLoop;
  private final long idleTimeoutNanos;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final int maxPerProvider;
  private final Map<String, ProviderSlots> providers = new ConcurrentHashMap<>();
  private final Transport transport;
  private final Map<EventLoop, LoopPool> loops = new ConcurrentHashMap<>();
  /** Connections open now, each with its one close listener; for tests and the status page. */
  private final AtomicInteger open = new AtomicInteger();

  UpstreamConnections(SslContext ssl, Limits limits, Ticker ticker, Scheduler scheduler,
      Transport transport) {
    this.transport = transport;
    this.ssl = ssl;
    this.maxHeadBytes = limits.upstreamHeadBytes();
    this.maxIdlePerLoop = limits.upstreamIdlePerLoop();
    this.idleTimeoutNanos = limits.upstreamIdleTimeout().toNanos();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.maxPerProvider = limits.upstreamMaxPerProvider();
  }

  /**
   * A connection to {@code route}'s upstream on {@code loop}: an idle pooled one unless {@code
   * fresh}, else a new one. Completes on {@code loop}.
   */
  Future<Channel> acquire(Route route, EventLoop loop, boolean fresh) {
    LoopPool pool = pool(loop);
    if (!fresh) {
      Channel ch;
      while ((ch = pool.pollNewest(route)) != null) {
        if (ch.isActive()) {
          if (ticker.nanoTime() - UpstreamHandler.idleSince(ch) < idleTimeoutNanos) {
            return loop.newSucceededFuture(ch);
          }
          ch.close(); // idle too long; the older ones behind it too
        }
      }
    }
    Promise<Channel> promise = loop.newPromise();
    ProviderSlots slots = slots(route);
    if (slots == null || slots.waiting() == 0 && slots.tryTake()) {
      connect(route, pool, slots, promise);
    } else {
      pool.await(route, slots, promise);
    }
    return promise;
  }

  /** Opens a connection for {@code promise}; its slot (if capped) is taken already. */
  private void connect(Route route, LoopPool pool, ProviderSlots slots,
      Promise<Channel> promise) {
    EventLoop loop = pool.loop;
    int connectMillis = (int) Math.min(Integer.MAX_VALUE,
        route.provider().timeouts().connect().toMillis());
    new Bootstrap().group(loop).channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectMillis))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ClientChannels.init(ch.pipeline(), route.endpoint(), ssl);
            ch.pipeline().replace(ClientChannels.CODEC, ClientChannels.CODEC,
                new HttpClientCodec(4096, maxHeadBytes, 8192));
            ch.pipeline().addLast(new FailoverClientHandler(route.pool()), new UpstreamHandler());
          }
        })
        .connect(route.endpoint().host(), route.endpoint().port())
        .addListener(f -> {
          if (f.isSuccess()) {
            Channel ch = ((ChannelFuture) f).channel();
            open.incrementAndGet();
            ch.closeFuture().addListener(c -> {
              open.decrementAndGet();
              pool.remove(route, ch);
              freed(slots, pool);
            });
            if (!promise.trySuccess(ch)) {
              ch.close(); // the attempt gave up meanwhile (its acquire was cancelled)
            }
          } else {
            freed(slots, pool);
            promise.tryFailure(f.cause());
          }
        });
  }

  /** A capped provider's slot is free again: waiters on any loop may take it. */
  private void freed(ProviderSlots slots, LoopPool here) {
    if (slots == null) {
      return;
    }
    slots.free();
    if (slots.waiting() > 0) {
      onEveryLoop(here, p -> p.serve(slots));
    }
  }

  /** Runs {@code action} on each loop's pool, on its loop; at once for {@code here}'s. */
  private void onEveryLoop(LoopPool here, java.util.function.Consumer<LoopPool> action) {
    action.accept(here);
    for (LoopPool p : loops.values()) {
      if (p != here) {
        p.loop.execute(() -> action.accept(p));
      }
    }
  }

  /** The provider's slots, or null when connections per provider are not capped. */
  private ProviderSlots slots(Route route) {
    if (maxPerProvider == 0) {
      return null;
    }
    String name = route.provider().name();
    ProviderSlots s = providers.get(name);
    return s != null ? s : providers.computeIfAbsent(name, n -> new ProviderSlots(
        maxPerProvider));
  }

  /** Gives a connection whose exchange ended cleanly back for reuse; called on its loop. */
  void release(Route route, Channel ch) {
    LoopPool pool = pool(ch.eventLoop());
    if (!ch.isActive() || pool.idle >= maxIdlePerLoop) {
      ch.close();
      return;
    }
    ProviderSlots slots = slots(route);
    if (slots != null && slots.waiting() > 0) {
      if (!pool.handOver(route, slots, ch)) {
        ch.close(); // its slot goes to a waiter of another route or loop
      }
      return;
    }
    pool.add(route, ch, ticker.nanoTime());
  }

  /** Upstream connections open now. */
  int open() {
    return open.get();
  }

  /**
   * Connections open or opening to {@code provider} now, as its cap counts them; -1 when
   * connections per provider are not capped. For tests and metrics.
   */
  int openTo(String provider) {
    ProviderSlots s = providers.get(provider);
    return maxPerProvider == 0 ? -1 : s == null ? 0 : s.open();
  }

  /** Attempts waiting for a connection to {@code provider} now, all loops together. */
  int waitingFor(String provider) {
    ProviderSlots s = providers.get(provider);
    return s == null ? 0 : s.waiting();
  }

  /** The idle connections in the pool now, all loops and routes together; for tests. */
  Channel[] idleConnections() {
    return loops.entrySet().stream().flatMap(e -> {
      try {
        return e.getKey().submit(() -> e.getValue().queues.values().stream()
            .flatMap(q -> q.channels.stream()).toList()).get().stream();
      } catch (InterruptedException | java.util.concurrent.ExecutionException x) {
        throw new IllegalStateException(x);
      }
    }).toArray(Channel[]::new);
  }

  /** Closes every idle connection. */
  void closeIdle() {
    // copies: closing a queue's last connection removes it from the map (on this loop, at once)
    loops.forEach((loop, pool) -> loop.execute(() -> {
      for (Queue q : List.copyOf(pool.queues.values())) {
        for (Channel ch : q.channels.toArray(Channel[]::new)) {
          ch.close();
        }
      }
    }));
  }

  private LoopPool pool(EventLoop loop) {
    LoopPool pool = loops.get(loop);
    return pool != null ? pool : loops.computeIfAbsent(loop, LoopPool::new);
  }

  /** One route's idle connections on one loop, oldest first. */
  private static final class Queue {
    final ArrayDeque<Channel> channels = new ArrayDeque<>();
  }

  /** One event loop's idle connections; touched only on that loop. */
  private final class LoopPool {
    final EventLoop loop;
    final Map<Route, Queue> queues = new IdentityHashMap<>();
    final SlotWaiters waiters = new SlotWaiters();
    int idle;
    boolean sweepArmed;

    LoopPool(EventLoop loop) {
      this.loop = loop;
    }

    Channel pollNewest(Route route) {
      Queue q = queues.get(route);
      if (q == null || q.channels.isEmpty()) {
        return null;
      }
      idle--;
      return q.channels.pollLast();
    }

    void add(Route route, Channel ch, long now) {
      Queue q = queues.computeIfAbsent(route, r -> new Queue());
      UpstreamHandler.idleSince(ch, now);
      q.channels.addLast(ch);
      idle++;
      if (!sweepArmed) {
        sweepArmed = true;
        arm(idleTimeoutNanos);
      }
    }

    /** Takes a closed connection out of its queue, wherever it is; on the loop. */
    void remove(Route route, Channel ch) {
      Queue q = queues.get(route);
      if (q == null) {
        return;
      }
      if (q.channels.removeLastOccurrence(ch)) {
        idle--;
      }
      if (q.channels.isEmpty()) {
        queues.remove(route);
      }
    }

    /** Queues an attempt until a slot is free, for at most its connect timeout. */
    void await(Route route, ProviderSlots slots, Promise<Channel> promise) {
      SlotWaiters.Waiter w = waiters.add(slots, route, promise);
      w.timer = scheduler.schedule(() -> loop.execute(() -> expire(slots, w)),
          route.provider().timeouts().connect().toNanos(), TimeUnit.NANOSECONDS);
      promise.addListener(f -> { // on this loop: an attempt that gave up leaves the queue
        if (f.isCancelled() && waiters.remove(slots, w)) {
          w.timer.cancel();
        }
      });
      serve(slots); // a slot freed before this attempt queued
      if (waiters.any(slots)) {
        onEveryLoop(this, p -> p.evictOneIdle(slots));
      }
    }

    /** Opens connections for the first waiters while slots are free. */
    void serve(ProviderSlots slots) {
      while (waiters.any(slots) && slots.tryTake()) {
        SlotWaiters.Waiter w = waiters.takeFirst(slots);
        connect(w.route, this, slots, w.promise);
      }
    }

    /** Gives {@code ch} (back from an exchange) to the first waiter, if it is for its route. */
    boolean handOver(Route route, ProviderSlots slots, Channel ch) {
      if (waiters.firstRoute(slots) != route) {
        return false;
      }
      SlotWaiters.Waiter w = waiters.takeFirst(slots);
      loop.execute(() -> { // not inside the releasing exchange
        if (!w.promise.trySuccess(ch)) {
          ch.close(); // that attempt gave up in between: the slot goes to the next one
        }
      });
      return true;
    }

    /** The connect timeout passed while {@code w} waited: it fails as a connect timeout. */
    void expire(ProviderSlots slots, SlotWaiters.Waiter w) {
      if (!waiters.remove(slots, w)) {
        return; // served meanwhile
      }
      w.promise.tryFailure(new ConnectTimeoutException("no connection to provider '"
          + w.route.provider().name() + "' free within the connect timeout (all "
          + slots.max() + " in use: limits.upstreamMaxPerProvider)"));
    }

    /** Closes one idle connection to the provider, if attempts still wait for a slot. */
    void evictOneIdle(ProviderSlots slots) {
      if (slots.waiting() == 0) {
        return;
      }
      for (Map.Entry<Route, Queue> e : queues.entrySet()) {
        if (slots(e.getKey()) == slots && !e.getValue().channels.isEmpty()) {
          Channel ch = e.getValue().channels.peekFirst(); // the oldest
          ch.close(); // its close listener takes it out of the queue and frees its slot
          return;
        }
      }
    }

    /**
     * Sweeps after {@code delayNanos} of the loop's own time, measuring idleness on the proxy's
     * clock: what a quiet proxy closes. A busy one also drops expired connections when it
     * acquires one, which is what a test on a manual clock sees.
     */
    private void arm(long delayNanos) {
      loop.schedule(this::sweep, Math.max(1_000_000, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Closes the connections idle for the timeout or longer; re-arms while any are left. */
    private void sweep() {
      long now = ticker.nanoTime();
      long oldest = Long.MAX_VALUE;
      for (Queue q : queues.values().toArray(Queue[]::new)) {
        Channel first;
        while ((first = q.channels.peekFirst()) != null) {
          long since = UpstreamHandler.idleSince(first);
          if (now - since < idleTimeoutNanos) {
            oldest = Math.min(oldest, since);
            break;
          }
          q.channels.pollFirst();
          idle--;
          first.close(); // its close listener finds it gone
        }
      }
      queues.values().removeIf(q -> q.channels.isEmpty());
      if (oldest == Long.MAX_VALUE) {
        sweepArmed = false;
      } else {
        arm(oldest + idleTimeoutNanos - now);
      }
    }
  }
}
