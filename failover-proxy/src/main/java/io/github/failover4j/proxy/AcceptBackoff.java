package io.github.failover4j.proxy;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * On the listening channel: when accepting fails (e.g. {@code EMFILE}, "Too many open files"),
 * stops accepting for a while (50 ms, doubling up to 1 s while failures go on) and tries again,
 * so the accept loop neither spins nor dies; logs at most one line per 10 s, and a failure to
 * log (which may itself need a file descriptor) is swallowed.
 */
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(FailoverProxy.class.getName());
  static final long FIRST_DELAY_MS = 50;
  static final long MAX_DELAY_MS = 1000;
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private long delayMs = FIRST_DELAY_MS;
  private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;
  private long failures;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    delayMs = FIRST_DELAY_MS; // a connection was accepted: accepting works again
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failures++;
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead()) {
      config.setAutoRead(false);
      long delay = delayMs;
      delayMs = Math.min(MAX_DELAY_MS, delayMs * 2);
      ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), delay,
          TimeUnit.MILLISECONDS);
    }
    long now = System.nanoTime();
    if (now - lastLog >= LOG_EVERY_NANOS) {
      lastLog = now;
      try {
        LOG.log(System.Logger.Level.WARNING, "cannot accept client connections ("
            + cause + "); " + failures + " failures so far; retrying in up to "
            + MAX_DELAY_MS + " ms");
      } catch (Throwable ignored) {
        // logging may need what just ran out (a file descriptor, memory): accepting matters more
      }
    }
  }
}
