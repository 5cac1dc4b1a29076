package io.github.failover4j.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator the load test uses when {@code wrk} is not installed: like {@code wrk
 * -t1}, one thread (one Netty event loop) drives {@code N} keep-alive connections, closed
 * loop: each connection sends its next request when the previous response has been read.
 * Latency is recorded per request (send to last byte) in an {@link Histogram} during the
 * measured window, after a warm-up.
 *
 * <p>{@code java -cp benchmarks.jar io.github.failover4j.benchmarks.load.LoadGenerator URL
 * [--connections 16] [--duration-s 10] [--warmup-s 0]} prints one line in the format the
 * load script reads from wrk too: {@code RESULT requests=… seconds=… rps=… p50_us=… p99_us=…
 * errors=…}, after a line {@code MEASURING} printed when the measured window opens (after the
 * warm-up). The request is a POST of {@link #REQUEST} with the headers of {@code benchmarks/load/post.lua}.
 */
public final class LoadGenerator {
  /** The request body: a small chat completion, as wrk sends it in the load test. */
  public static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":"
      + "[{\"role\":\"user\",\"content\":\"Say hi in five words.\"}],\"max_tokens\":16}";

  private LoadGenerator() {}

  /** The result of one run. */
  record Result(long requests, double seconds, long p50Micros, long p99Micros, long errors) {
    String line() {
      return String.format(Locale.ROOT, "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d "
          + "p99_us=%d errors=%d", requests, seconds, requests / seconds, p50Micros, p99Micros,
          errors);
    }
  }

  /** Runs {@code connections} closed loops against {@code url} for warm-up plus duration. */
  static Result run(URI url, int connections, long warmupNanos, long durationNanos)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("load-generator"), NioIoHandler.newFactory());
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    ByteBuf body = Unpooled.unreleasableBuffer(
        Unpooled.directBuffer().writeBytes(REQUEST.getBytes(StandardCharsets.UTF_8)));
    String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/"
        : url.getRawPath();
    HttpHeaders headers = new DefaultHttpHeaders()
        .set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.ACCEPT, "application/json")
        .set(HttpHeaderNames.USER_AGENT, "OpenAI/Python 1.54.0")
        .set(HttpHeaderNames.AUTHORIZATION, "Bearer sk-client-load-test");
    long[] counts = new long[2]; // requests, errors in the measured window
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long end = measureFrom + durationNanos;
    try {
      Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 24),
                  new SimpleChannelInboundHandler<FullHttpResponse>() {
                    long sentAt;

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                      send(ctx);
                    }

                    private void send(ChannelHandlerContext ctx) {
                      sentAt = System.nanoTime();
                      ctx.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                          HttpMethod.POST, target, body.duplicate(), headers,
                          new DefaultHttpHeaders(false)));
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                      long now = System.nanoTime();
                      if (now >= measureFrom && now < end) {
                        latency.recordValue(Math.min(now - sentAt, latency.getHighestTrackableValue()));
                        counts[0]++;
                        if (r.status().code() >= 400) {
                          counts[1]++;
                        }
                      }
                      if (now < end) {
                        send(ctx);
                      } else {
                        ctx.close();
                      }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      counts[1]++;
                      ctx.close();
                    }
                  });
            }
          });
      // Tells a watcher (run.sh) when the measured window opens, to read CPU counters then.
      group.schedule(() -> {
        System.out.println("MEASURING");
        System.out.flush();
      }, Math.max(0, measureFrom - System.nanoTime()), TimeUnit.NANOSECONDS);
      List<Channel> channels = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        channels.add(b.connect(url.getHost(), url.getPort()).sync().channel());
      }
      for (Channel ch : channels) {
        ch.closeFuture().await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))
            + 10_000);
      }
      long[] snapshot = group.submit(() -> counts.clone()).get();
      Histogram h = group.submit(latency::copy).get();
      double seconds = durationNanos / 1e9;
      return new Result(snapshot[0], seconds, h.getValueAtPercentile(50) / 1000,
          h.getValueAtPercentile(99) / 1000, snapshot[1]);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Runs once and prints the {@code RESULT} line. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      System.err.println("usage: LoadGenerator URL [--connections N] [--duration-s S] [--warmup-s S]");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    int connections = 16;
    double duration = 10;
    double warmup = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--duration-s" -> duration = Double.parseDouble(args[++i]);
        case "--warmup-s" -> warmup = Double.parseDouble(args[++i]);
        default -> throw new IllegalArgumentException(args[i] + ": unknown argument");
      }
    }
    Result r = run(url, connections, (long) (warmup * 1e9), (long) (duration * 1e9));
    System.out.println(r.line());
  }
}
