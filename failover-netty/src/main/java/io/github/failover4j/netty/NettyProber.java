package io.github.failover4j.netty;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.netty.internal.ClientChannels;
import io.github.failover4j.netty.internal.Endpoint;
import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends the engine's health-check probes over Netty: one HTTP/1.1 connection per probe (probes
 * are rare; a fresh connection also tests what a request would meet), TLS for {@code https}
 * with host name verification, bounded by the probe's timeout. Keeps at most {@code
 * maxBodyBytes} of each response body for the health-check conditions.
 */
public final class NettyProber implements ProbeTransport {
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final SslContext ssl;

  private NettyProber(Builder b) {
    this.group = b.group;
    this.channelType = b.channelType;
    this.ssl = b.ssl == null ? ClientChannels.defaultSslContext() : b.ssl;
  }

  /** A builder for a prober running on {@code group}. */
  public static Builder builder(EventLoopGroup group) {
    return new Builder(group);
  }

  /** Sends the probe; never throws, every failure completes the stage exceptionally. */
  @Override
  public CompletionStage<ResponseView> send(ProbeRequest request) {
    CompletableFuture<ResponseView> result = new CompletableFuture<>();
    try {
      Endpoint endpoint = Endpoint.of(request.uri());
      long timeoutMillis = Math.max(1, request.timeout().toMillis());
      Bootstrap bootstrap = new Bootstrap()
          .group(group)
          .channel(channelType)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
              timeoutMillis))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ClientChannels.init(ch.pipeline(), endpoint, ssl);
              ch.pipeline().addLast(new ResponseReader(result, request.maxBodyBytes()));
            }
          });
      ChannelFuture connect = bootstrap.connect(endpoint.host(), endpoint.port());
      Channel ch = connect.channel();
      ch.eventLoop().schedule(() -> {
        if (result.completeExceptionally(new TimeoutException("probe timed out after "
            + timeoutMillis + " ms"))) {
          ch.close();
        }
      }, timeoutMillis, TimeUnit.MILLISECONDS);
      result.whenComplete((r, e) -> ch.close());
      connect.addListener(f -> {
        if (!f.isSuccess()) {
          result.completeExceptionally(unreachable(endpoint, f.cause()));
        } else {
          ch.writeAndFlush(httpRequest(request, endpoint)).addListener(w -> {
            if (!w.isSuccess()) {
              result.completeExceptionally(w.cause());
            }
          });
        }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * A failed connect as a {@link ConnectException} naming the host and port it could not reach
   * (Netty's own message may name only an address, or nothing), with the original as its cause.
   */
  static ConnectException unreachable(Endpoint endpoint, Throwable cause) {
    String detail = cause.getMessage() == null || cause.getMessage().isBlank() ? ""
        : " (" + cause.getMessage() + ")";
    ConnectException e = new ConnectException("cannot connect to " + endpoint.host() + ":"
        + endpoint.port() + detail);
    e.initCause(cause);
    return e;
  }

  private static FullHttpRequest httpRequest(ProbeRequest probe, Endpoint endpoint) {
    byte[] body = probe.body();
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
        HttpMethod.valueOf(probe.method()), Endpoint.target(probe.uri()),
        Unpooled.wrappedBuffer(body));
    for (Map.Entry<String, String> h : probe.headers().entrySet()) {
      r.headers().set(h.getKey(), h.getValue());
    }
    r.headers().set(HttpHeaderNames.HOST, endpoint.hostHeader())
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  @Override
  public String toString() {
    return "NettyProber[" + channelType.getSimpleName() + "]";
  }

  /**
   * Reads one response: head, then body chunks up to the cap; completes at its end. However
   * the probe ends (answered, connection closed or failed), the body capture's inflater is
   * released. Package-private for tests.
   */
  static final class ResponseReader extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<ResponseView> result;
    private final int cap;
    private HeadersView view;
    private BodyCapture body;

    ResponseReader(CompletableFuture<ResponseView> result, int cap) {
      this.result = result;
      this.cap = cap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse r && r.status().code() >= 200) {
          release();
          if (r.decoderResult().isFailure()) {
            result.completeExceptionally(r.decoderResult().cause());
            return;
          }
          view = new HeadersView(r.status().code(), r.headers());
          body = view.capture(cap);
        }
        if (msg instanceof HttpContent c && view != null) {
          ByteBufFeed.feed(body, c.content());
          if (msg instanceof LastHttpContent || body.isDone()) {
            release();
            result.complete(view);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      release();
      result.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      release();
      result.completeExceptionally(view == null
          ? new ClosedChannelException() : new IOException("connection closed mid-body"));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      release();
    }

    /** Releases the capture's inflater; what it decoded stays in the view. */
    private void release() {
      if (body != null) {
        body.close();
      }
    }

    /** The body capture, or {@code null} before the head; for tests. */
    BodyCapture body() {
      return body;
    }
  }

  /** Builds a {@link NettyProber}. */
  public static final class Builder {
    private final EventLoopGroup group;
    private Class<? extends SocketChannel> channelType = NioSocketChannel.class;
    private SslContext ssl;

    private Builder(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
    }

    /** The socket channel type matching the group; default {@link NioSocketChannel}. */
    public Builder channelType(Class<? extends SocketChannel> channelType) {
      this.channelType = Objects.requireNonNull(channelType, "channelType");
      return this;
    }

    /**
     * The TLS context for https; default: the JDK's trust store. Host names are verified
     * either way, also when the context itself does not ask for it.
     */
    public Builder sslContext(SslContext ssl) {
      this.ssl = Objects.requireNonNull(ssl, "ssl");
      return this;
    }

    /** Builds the prober. */
    public NettyProber build() {
      return new NettyProber(this);
    }
  }
}
