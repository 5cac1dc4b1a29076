package io.github.failover4j.netty;

import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the engine needs from a Netty host: a {@link NettyProber}, an {@link
 * EventLoopScheduler} and {@link io.github.failover4j.spi.Ticker#SYSTEM}, all on one event loop group. Either its own
 * (one daemon NIO thread, shut down by {@link #close()}) or a group the host already runs,
 * which it borrows and leaves running.
 *
 * <pre>{@code
 * TokenPool pool = TokenPool.builder(provider).transport(NettyTransport.using(workerGroup)).build();
 * }</pre>
 */
public final class NettyTransport implements Transport {
  private final EventLoopGroup group;
  private final boolean owned;
  private final NettyProber prober;
  private final EventLoopScheduler scheduler;

  private NettyTransport(EventLoopGroup group, boolean owned) {
    this.group = group;
    this.owned = owned;
    this.prober = NettyProber.builder(group).build();
    this.scheduler = new EventLoopScheduler(group.next());
  }

  /** A transport with its own event loop (one daemon NIO thread); close it to stop the thread. */
  public static NettyTransport create() {
    return new NettyTransport(new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("failover4j-netty", true), NioIoHandler.newFactory()), true);
  }

  /** A transport on the host's NIO event loop group; {@link #close()} leaves the group running. */
  public static NettyTransport using(EventLoopGroup group) {
    return new NettyTransport(Objects.requireNonNull(group, "group"), false);
  }

  /** The event loop group probes and timers run on. */
  public EventLoopGroup group() {
    return group;
  }

  @Override
  public ProbeTransport prober() {
    return prober;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Shuts the event loop group down when this transport created it. */
  @Override
  public void close() {
    if (owned) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "NettyTransport[" + (owned ? "own" : "borrowed") + " group]";
  }
}
