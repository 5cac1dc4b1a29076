package io.github.failover4j.proxy;

import io.github.failover4j.netty.FailoverClientHandler;
import io.github.failover4j.netty.internal.ClientChannels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the upstreams, pooled per event loop and per provider: a client
 * connection's exchanges use upstream connections of the same event loop, so a connection is
 * only ever touched by one thread and the pool needs no lock.
 */
final class UpstreamConnections {
  private static final int MAX_IDLE_PER_ROUTE = 64;
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int IDLE_SECONDS = 60;

  private final SslContext ssl;
  private final Map<EventLoop, Map<Route, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

  UpstreamConnections(SslContext ssl) {
    this.ssl = ssl;
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
    new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ClientChannels.init(ch.pipeline(), route.endpoint(), ssl);
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new FailoverClientHandler(route.pool()), new UpstreamHandler());
          }
        })
        .connect(route.endpoint().host(), route.endpoint().port())
        .addListener(f -> {
          if (f.isSuccess()) {
            promise.setSuccess(((io.netty.channel.ChannelFuture) f).channel());
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
    ch.closeFuture().addListener(f -> q.remove(ch));
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
