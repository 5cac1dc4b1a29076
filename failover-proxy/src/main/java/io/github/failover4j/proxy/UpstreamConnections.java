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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to the upstreams, pooled per event loop and per provider: a client
 * connection's exchanges use upstream connections of the same event loop, so a connection is
 * only ever touched by one thread and the pool needs no lock. Each connection gets one close
 * listener, when it is opened, that takes it out of its idle queue; returning it to the pool
 * allocates nothing.
 */
final class UpstreamConnections {
  private static final int MAX_IDLE_PER_ROUTE = 64;
  private static final int IDLE_SECONDS = 60;

  private final SslContext ssl;
  private final int maxHeadBytes;
  private final Map<EventLoop, Map<Route, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();
  /** Connections open now, each with its one close listener; for tests and the status page. */
  private final AtomicInteger open = new AtomicInteger();

  UpstreamConnections(SslContext ssl, Limits limits) {
    this.ssl = ssl;
    this.maxHeadBytes = limits.upstreamHeadBytes();
  }

  /**
   * A connection to {@code route}'s upstream on {@code loop}: an idle pooled one unless {@code
   * fresh}, else a new one. Completes on {@code loop}.
   */
  Future<Channel> acquire(Route route, EventLoop loop, boolean fresh) {
    if (!fresh) {
      ArrayDeque<Channel> q = idle(loop, route);
      Channel ch;
      while ((ch = q.pollLast()) != null) {
        if (ch.isActive()) {
          return loop.newSucceededFuture(ch);
        }
      }
    }
    Promise<Channel> promise = loop.newPromise();
    int connectMillis = (int) Math.min(Integer.MAX_VALUE,
        route.provider().timeouts().connect().toMillis());
    new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectMillis))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ClientChannels.init(ch.pipeline(), route.endpoint(), ssl);
            ch.pipeline().replace(ClientChannels.CODEC, ClientChannels.CODEC,
                new HttpClientCodec(4096, maxHeadBytes, 8192));
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new FailoverClientHandler(route.pool()), new UpstreamHandler());
          }
        })
        .connect(route.endpoint().host(), route.endpoint().port())
        .addListener(f -> {
          if (f.isSuccess()) {
            Channel ch = ((ChannelFuture) f).channel();
            open.incrementAndGet();
            ch.closeFuture().addListener(c -> {
              open.decrementAndGet();
              idle(loop, route).remove(ch);
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
    ArrayDeque<Channel> q = idle(ch.eventLoop(), route);
    if (!ch.isActive() || q.size() >= MAX_IDLE_PER_ROUTE) {
      ch.close();
      return;
    }
    q.addLast(ch);
  }

  /** Upstream connections open now. */
  int open() {
    return open.get();
  }

  /** The idle connections in the pool now, all loops and routes together; for tests. */
  Channel[] idleConnections() {
    return idle.entrySet().stream().flatMap(e -> {
      try {
        return e.getKey().submit(() -> e.getValue().values().stream()
            .flatMap(ArrayDeque::stream).toList()).get().stream();
      } catch (InterruptedException | java.util.concurrent.ExecutionException x) {
        throw new IllegalStateException(x);
      }
    }).toArray(Channel[]::new);
  }

  /** Closes every idle connection. */
  void closeIdle() {
    idle.forEach((loop, routes) -> loop.execute(() -> routes.values().forEach(q -> {
      for (Channel ch : q.toArray(Channel[]::new)) {
        ch.close();
      }
    })));
  }

  private ArrayDeque<Channel> idle(EventLoop loop, Route route) {
    return idle.computeIfAbsent(loop, l -> new HashMap<>())
        .computeIfAbsent(route, r -> new ArrayDeque<>());
  }
}
