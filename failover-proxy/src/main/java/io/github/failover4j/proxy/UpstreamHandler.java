package io.github.failover4j.proxy;

import io.github.failover4j.netty.ResponseJudged;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: hands what the upstream sends to the exchange
 * the connection currently serves, and keeps when it went idle in the pool.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private Exchange exchange;
  private int served;
  /** When the connection last went idle in the pool, on the proxy's clock. */
  private long idleSince;

  /** Marks {@code ch} idle since {@code now} (the pool's clock). */
  static void idleSince(Channel ch, long now) {
    ch.pipeline().get(UpstreamHandler.class).idleSince = now;
  }

  /** When {@code ch} went idle in the pool; meaningful only while it is there. */
  static long idleSince(Channel ch) {
    UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
    return h == null ? Long.MIN_VALUE : h.idleSince;
  }

  /** Binds {@code ch} to {@code exchange}; returns whether the connection served one before. */
  static boolean bind(Channel ch, Exchange exchange) {
    UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
    h.exchange = exchange;
    return h.served++ > 0;
  }

  /** Unbinds {@code ch} from its exchange, e.g. before it goes back to the pool. */
  static void unbind(Channel ch) {
    UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
    if (h != null) {
      h.exchange = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange != null) {
      exchange.onUpstreamRead(ctx.channel(), msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onUpstreamReadComplete(ctx.channel());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ResponseJudged judged && exchange != null) {
      exchange.onJudged(ctx.channel(), judged);
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onUpstreamWritable(ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // the connection is unusable; channelInactive tells the exchange
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onUpstreamClosed(ctx.channel());
    }
  }
}
