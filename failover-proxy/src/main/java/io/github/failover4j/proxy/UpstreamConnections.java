package io.github.failover4j.proxy;

import io.github.failover4j.netty.FailoverClientHandler;
import io.github.failover4j.netty.internal.ClientChannels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 */
final class UpstreamConnections {
  private final SslContext ssl;
  private final int maxHeadBytes;
  private final int maxIdlePerLoop;
  private final long idleTimeoutNanos;
  private final Ticker ticker;
  private final Transport transport;
  private final Map<EventLoop, LoopPool> loops = new ConcurrentHashMap<>();
  /** Connections open now, each with its one close listener; for tests and the status page. */
  private final AtomicInteger open = new AtomicInteger();

  UpstreamConnections(SslContext ssl, Limits limits, Ticker ticker, Transport transport) {
    this.transport = transport;
    this.ssl = ssl;
    this.maxHeadBytes = limits.upstreamHeadBytes();
    this.maxIdlePerLoop = limits.upstreamIdlePerLoop();
    this.idleTimeoutNanos = limits.upstreamIdleTimeout().toNanos();
    this.ticker = ticker;
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
            });
            promise.setSuccess(ch);
          } else {
            promise.setFailure(f.cause());
          }
        });
    return promise;
  }

  /** Gives a connection whose exchange ended cleanly back for reuse; called on its loop. */
  void release(Route route, Channel ch) {
    LoopPool pool = pool(ch.eventLoop());
    if (!ch.isActive() || pool.idle >= maxIdlePerLoop) {
      ch.close();
      return;
    }
    pool.add(route, ch, ticker.nanoTime());
  }

  /** Upstream connections open now. */
  int open() {
    return open.get();
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
    loops.forEach((loop, pool) -> loop.execute(() -> pool.queues.values().forEach(q -> {
      for (Channel ch : q.channels.toArray(Channel[]::new)) {
        ch.close();
      }
    })));
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
