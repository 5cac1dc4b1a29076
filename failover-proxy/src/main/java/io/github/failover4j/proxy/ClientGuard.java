package io.github.failover4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guards the proxy against its clients (SPEC §10): at most {@link ClientLimits#maxConnections}
 * connections (one more is answered {@code 503} and closed), a request head must arrive whole
 * within {@link ClientLimits#headerTimeout} of its first byte (or of the accept; slowloris gets
 * {@code 408} and a close), and a connection idle between requests is closed after {@link
 * ClientLimits#keepAliveTimeout}. While a request is in progress the upstream's timeouts rule.
 */
final class ClientGuard {
  private static final byte[] OVERLOADED = raw("503 Service Unavailable", "Retry-After: 1\r\n",
      "{\"error\":{\"message\":\"the proxy has too many client connections; retry later\","
          + "\"type\":\"overloaded\",\"param\":null,\"code\":\"overloaded\"}}");
  private static final byte[] TIMED_OUT = raw("408 Request Timeout", "",
      "{\"error\":{\"message\":\"the request head did not arrive in time\","
          + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"request_timeout\"}}");

  private final ClientLimits limits;
  private final AtomicInteger open = new AtomicInteger();

  ClientGuard(ClientLimits limits) {
    this.limits = limits;
  }

  /** Client connections open now. */
  int open() {
    return open.get();
  }

  /**
   * Counts {@code ch} in; over the limit it is answered 503 and closed, and false returned.
   * Otherwise adds the first of the guard's handlers (before the HTTP codec); {@link
   * #tracker(SocketChannel)} gives the one that goes after it.
   */
  boolean admit(SocketChannel ch) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      ch.writeAndFlush(Unpooled.wrappedBuffer(OVERLOADED)).addListener(ChannelFutureListener.CLOSE);
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  /** The two handlers of one connection: {@code first()} before the codec, this after it. */
  Tracker tracker() {
    return new Tracker();
  }

  private static byte[] raw(String status, String extra, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\nConnection: close\r\n" + extra + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + body.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }

  private enum State { AWAITING_HEAD, IN_HEAD, BUSY, IDLE }

  /**
   * The state of one connection, seen from after the HTTP codec: request heads read,
   * responses written. Its {@link #first()} handler sees the raw bytes before the codec.
   */
  final class Tracker extends ChannelDuplexHandler {
    private final ChannelInboundHandlerAdapter first = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        rawCtx = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
          state = State.IN_HEAD; // a new head starts: it has headerTimeout to finish
          arm(limits.headerTimeout().toNanos());
        }
        ctx.fireChannelRead(msg);
      }
    };
    private ChannelHandlerContext rawCtx;
    private State state = State.AWAITING_HEAD;
    private int inFlight;
    private boolean informational;
    private int responsesStarted;
    /**
     * The one pending timer task, or null, and when it fires. A request arms and disarms the
     * connection's wait twice (its head, then keep-alive); the task is not rescheduled for
     * that: one that fires early, or for nothing, looks at {@link #armedFor} and {@link
     * #deadline} and reschedules itself for what is left, as {@link Watchdog} does.
     */
    private ScheduledFuture<?> timer;
    private long timerDue;
    /** The state the current wait is for, or null when nothing is awaited. */
    private State armedFor;
    private long deadline;

    /** The handler that goes before the HTTP codec. */
    ChannelInboundHandlerAdapter first() {
      return first;
    }

    /** How many responses (not counting 1xx) have begun on this connection. */
    int responsesStarted() {
      return responsesStarted;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        arm(limits.headerTimeout().toNanos());
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (timer == null && state == State.AWAITING_HEAD) {
        arm(limits.headerTimeout().toNanos());
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        inFlight++;
        state = State.BUSY;
        armedFor = null; // the head is whole; a pending task finds nothing to do
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r) {
        informational = r.status().code() < 200;
        if (!informational) {
          responsesStarted++;
        }
      }
      boolean ends = msg instanceof LastHttpContent && !informational;
      if (msg instanceof FullHttpResponse || msg instanceof LastHttpContent) {
        informational = false;
      }
      ctx.write(msg, promise);
      if (ends) {
        if (inFlight > 0 && --inFlight == 0) {
          state = State.IDLE;
          arm(limits.keepAliveTimeout().toNanos());
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }

    private void arm(long nanos) {
      if (rawCtx == null) {
        return;
      }
      armedFor = state;
      deadline = System.nanoTime() + nanos;
      if (timer != null && timerDue - deadline <= 0) {
        return; // it fires early enough, and reschedules itself for the rest
      }
      cancel();
      schedule();
    }

    private void schedule() {
      timerDue = deadline;
      timer = rawCtx.executor().schedule(this::fire, Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void fire() {
      timer = null;
      if (armedFor == null) {
        return; // disarmed since: a later arm schedules anew
      }
      if (System.nanoTime() - deadline < 0) {
        schedule(); // armed again since, for later
        return;
      }
      State expired = armedFor;
      armedFor = null;
      if (state != expired || !rawCtx.channel().isActive()) {
        return;
      }
      if (state == State.IDLE) {
        rawCtx.close();
      } else { // a head that did not arrive whole in time
        rawCtx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
