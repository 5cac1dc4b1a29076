package io.github.failover4j.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The SSE part of the load test: {@code streams} concurrent streamed chat completions from
 * {@link LoadUpstream} (each 50 events 10 ms apart by default), directly and through proxies,
 * repeated {@code rounds} times (after {@code warmup} unrecorded rounds). Records per stream the
 * time to first byte (request written to the response head read) and per event its one-way
 * delay: arrival minus the {@code "sent"} {@code System.nanoTime()} the upstream wrote into it
 * (one monotonic clock for all processes on Linux). The proxy's added delay is its figure minus
 * the direct one, measured in the same run.
 *
 * <p>{@code java -cp benchmarks.jar io.github.failover4j.benchmarks.load.SseClient NAME=URL...
 * [--streams 20] [--rounds 5] [--warmup 2] [--events 50]} runs the rounds against every target
 * in turn (interleaved, in one warm client) and prints per target {@code SSE target=NAME
 * ttfb_p50_us=… ttfb_p99_us=… event_p50_us=… event_p99_us=… streams=… events=… errors=…};
 * {@code errors} counts streams that did not deliver every event and {@code [DONE]}.
 */
public final class SseClient {
  private SseClient() {}

  private static final byte[] SENT = "\"sent\":".getBytes(StandardCharsets.US_ASCII);

  /** Runs the rounds and prints one {@code SSE} line per target. */
  public static void main(String[] args) throws Exception {
    Map<String, URI> targets = new LinkedHashMap<>();
    int streams = 20;
    int rounds = 5;
    int warmup = 2;
    int events = 50;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--streams" -> streams = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        default -> {
          int eq = args[i].indexOf('=');
          if (args[i].startsWith("--") || eq < 0) {
            throw new IllegalArgumentException(args[i] + ": unknown argument");
          }
          targets.put(args[i].substring(0, eq), URI.create(args[i].substring(eq + 1)));
        }
      }
    }
    Map<String, Histogram[]> results = new LinkedHashMap<>();
    Map<String, long[]> errors = new LinkedHashMap<>();
    for (String name : targets.keySet()) {
      results.put(name, new Histogram[] {new Histogram(TimeUnit.SECONDS.toNanos(60), 3),
          new Histogram(TimeUnit.SECONDS.toNanos(60), 3)});
      errors.put(name, new long[1]);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("sse-client"), NioIoHandler.newFactory());
    try {
      // Rounds interleave the targets, so that each meets the same warm (or busy) machine.
      for (int r = 0; r < warmup + rounds; r++) {
        boolean record = r >= warmup;
        for (Map.Entry<String, URI> t : targets.entrySet()) {
          Histogram[] h = results.get(t.getKey());
          List<CompletableFuture<Void>> done = new ArrayList<>();
          for (int s = 0; s < streams; s++) {
            done.add(stream(group, t.getValue(), events, record ? h[0] : null,
                record ? h[1] : null, errors.get(t.getKey())));
          }
          CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
              .get(60, TimeUnit.SECONDS);
        }
      }
      for (String name : targets.keySet()) {
        Histogram[] h = results.get(name);
        Histogram t = group.submit(h[0]::copy).get();
        Histogram d = group.submit(h[1]::copy).get();
        long e = group.submit(() -> errors.get(name)[0]).get();
        System.out.printf(Locale.ROOT, "SSE target=%s ttfb_p50_us=%d ttfb_p99_us=%d "
                + "event_p50_us=%d event_p99_us=%d streams=%d events=%d errors=%d%n", name,
            t.getValueAtPercentile(50) / 1000, t.getValueAtPercentile(99) / 1000,
            d.getValueAtPercentile(50) / 1000, d.getValueAtPercentile(99) / 1000,
            t.getTotalCount(), d.getTotalCount(), e);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One stream on a new connection; completes when it ends (errors are counted). */
  private static CompletableFuture<Void> stream(EventLoopGroup group, URI url, int events,
      Histogram ttfb, Histogram delay, long[] errors) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(),
                new SimpleChannelInboundHandler<HttpObject>() {
                  long sentAt;
                  int seen;
                  boolean finished;
                  final ByteBuf pending = Unpooled.buffer();

                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    byte[] body = LoadGenerator.REQUEST.replace("}", ",\"stream\":true}")
                        .getBytes(StandardCharsets.UTF_8);
                    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                        HttpMethod.POST, url.getRawPath(), Unpooled.wrappedBuffer(body));
                    req.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                        .set(HttpHeaderNames.AUTHORIZATION, "Bearer sk-client-load-test")
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    sentAt = System.nanoTime();
                    ctx.writeAndFlush(req);
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                    long now = System.nanoTime();
                    if (finished) {
                      return;
                    }
                    if (msg instanceof HttpResponse head) {
                      if (ttfb != null) {
                        ttfb.recordValue(now - sentAt);
                      }
                      if (head.status().code() != 200) {
                        finish(ctx, false);
                      }
                    }
                    if (msg instanceof HttpContent c) {
                      pending.writeBytes(c.content());
                      events(now);
                      if (msg instanceof LastHttpContent) {
                        finish(ctx, seen == events + 1);
                      }
                    }
                  }

                  /** Takes every complete event out of {@code pending}. */
                  private void events(long now) {
                    int end;
                    while ((end = indexOf(pending, "\n\n")) >= 0) {
                      ByteBuf event = pending.readSlice(end + 2 - pending.readerIndex());
                      seen++;
                      long sent = sent(event);
                      if (sent > 0 && delay != null) {
                        delay.recordValue(Math.max(0, now - sent));
                      }
                    }
                    pending.discardReadBytes();
                  }

                  private void finish(ChannelHandlerContext ctx, boolean ok) {
                    if (!finished) {
                      finished = true;
                      if (!ok) {
                        errors[0]++;
                      }
                      pending.release();
                      ctx.close();
                      done.complete(null);
                    }
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    finish(ctx, false);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    finish(ctx, false);
                  }
                });
          }
        });
    ChannelFuture f = b.connect(url.getHost(), url.getPort());
    f.addListener(c -> {
      if (!c.isSuccess()) {
        group.execute(() -> errors[0]++);
        done.complete(null);
      }
    });
    return done;
  }

  private static int indexOf(ByteBuf buf, String needle) {
    for (int i = buf.readerIndex(); i + needle.length() <= buf.writerIndex(); i++) {
      boolean match = true;
      for (int j = 0; j < needle.length() && match; j++) {
        match = buf.getByte(i + j) == needle.charAt(j);
      }
      if (match) {
        return i;
      }
    }
    return -1;
  }

  /** The {@code "sent":N} value of an event, or -1 (e.g. {@code [DONE]}). */
  private static long sent(ByteBuf event) {
    outer:
    for (int i = event.readerIndex(); i + SENT.length <= event.writerIndex(); i++) {
      for (int j = 0; j < SENT.length; j++) {
        if (event.getByte(i + j) != SENT[j]) {
          continue outer;
        }
      }
      long v = 0;
      for (int k = i + SENT.length; k < event.writerIndex(); k++) {
        byte c = event.getByte(k);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }
    return -1;
  }
}
