package io.github.failover4j.benchmarks.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The loopback upstream of the proxy load test (and of {@code ProxyBenchmark}): one Netty
 * event loop thread, like an nginx with one worker. Any request whose path contains {@code
 * /sse} gets a stream of server-sent events; any other gets {@link #CHAT_COMPLETION}, a fixed
 * 350 B chat completion with {@code Content-Length}.
 *
 * <p>Each event carries {@code "sent":<System.nanoTime()>} taken just before it is written, so a
 * client on the same machine measures each event's one-way delay ({@code System.nanoTime()}
 * reads {@code CLOCK_MONOTONIC} on Linux, one clock for every process). The first event leaves
 * with the response head, the next ones {@code intervalMs} apart on a fixed schedule, then
 * {@code data: [DONE]}.
 *
 * <p>{@code java -cp benchmarks.jar io.github.failover4j.benchmarks.load.LoadUpstream [--port P]
 * [--events 50] [--interval-ms 10]} prints {@code listening <port>} and serves until killed;
 * {@code --print-chat-completion} prints the JSON answer (for the nginx upstream) and exits.
 */
public final class LoadUpstream implements AutoCloseable {
  /** The JSON answer: a typical non-streamed chat completion, 350 bytes. */
  public static final byte[] CHAT_COMPLETION = ("{\"id\":\"chatcmpl-8c1f0a4b2d9e4f7a\","
      + "\"object\":\"chat.completion\",\"created\":1762251330,\"model\":\"gpt-4o-mini-2024-07-18\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
      + "\"Hi there, how are you?\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":7,\"total_tokens\":21},"
      + "\"system_fingerprint\":\"fp_0ba0d124f1\"}").getBytes(StandardCharsets.UTF_8);

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group;
  private final Channel server;
  private final int events;
  private final long intervalNanos;
  private final ByteBuf json = Unpooled.unreleasableBuffer(
      Unpooled.directBuffer(CHAT_COMPLETION.length).writeBytes(CHAT_COMPLETION));

  private LoadUpstream(InetSocketAddress address, int events, long intervalNanos)
      throws InterruptedException {
    this.events = events;
    this.intervalNanos = intervalNanos;
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("load-upstream"),
        NioIoHandler.newFactory());
    try {
      server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                  new HttpObjectAggregator(1 << 20), new Handler());
            }
          })
          .bind(address).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Starts an upstream on {@code address} (port 0: any free port).
   *
   * @param events server-sent events per stream, {@code [DONE]} not counted
   * @param intervalMs milliseconds between two events
   */
  public static LoadUpstream start(InetSocketAddress address, int events, long intervalMs)
      throws InterruptedException {
    return new LoadUpstream(address, events, TimeUnit.MILLISECONDS.toNanos(intervalMs));
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.uri().contains("/sse")) {
        stream(ctx, HttpUtil.isKeepAlive(req));
        return;
      }
      HttpHeaders h = new DefaultHttpHeaders(false)
          .add(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .add(HttpHeaderNames.CONTENT_LENGTH, CHAT_COMPLETION.length);
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          json.duplicate(), h, new DefaultHttpHeaders(false)));
    }

    private void stream(ChannelHandlerContext ctx, boolean keepAlive) {
      HttpHeaders h = new DefaultHttpHeaders()
          .add(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
          .add(HttpHeaderNames.CACHE_CONTROL, "no-cache")
          .add(HttpHeaderNames.TRANSFER_ENCODING, "chunked")
          // What streaming providers send so that nginx does not buffer the stream.
          .add("X-Accel-Buffering", "no");
      if (!keepAlive) {
        h.add(HttpHeaderNames.CONNECTION, "close");
      }
      ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, h));
      long start = System.nanoTime();
      sendEvent(ctx, 0, start, keepAlive);
    }

    private void sendEvent(ChannelHandlerContext ctx, int i, long start, boolean keepAlive) {
      if (!ctx.channel().isActive()) {
        return;
      }
      if (i == events) {
        var f = ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(DONE)));
        if (!keepAlive) {
          f.addListener(ChannelFutureListener.CLOSE);
        }
        return;
      }
      String event = "data: {\"id\":\"chatcmpl-8c1f0a4b2d9e4f7a\",\"object\":"
          + "\"chat.completion.chunk\",\"created\":1762251330,\"model\":\"gpt-4o-mini\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i
          + "\"},\"finish_reason\":null}],\"sent\":" + System.nanoTime() + "}\n\n";
      ctx.writeAndFlush(new DefaultHttpContent(
          Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.US_ASCII))));
      long next = start + (i + 1) * intervalNanos - System.nanoTime();
      ctx.executor().schedule(() -> sendEvent(ctx, i + 1, start, keepAlive),
          Math.max(0, next), TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Serves until killed; prints {@code listening <port>}. */
  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    int events = 50;
    long interval = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--interval-ms" -> interval = Long.parseLong(args[++i]);
        case "--print-chat-completion" -> {
          System.out.println(new String(CHAT_COMPLETION, StandardCharsets.UTF_8));
          return;
        }
        default -> throw new IllegalArgumentException(args[i] + ": unknown argument");
      }
    }
    LoadUpstream u = start(new InetSocketAddress("127.0.0.1", port), events, interval);
    System.out.println("listening " + u.port());
    System.out.flush();
    u.server.closeFuture().sync();
  }
}
