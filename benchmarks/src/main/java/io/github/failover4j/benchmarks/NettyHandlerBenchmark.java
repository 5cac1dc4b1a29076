package io.github.failover4j.benchmarks;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.netty.FailoverClientHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One request/response exchange through a Netty pipeline, without and with {@link
 * FailoverClientHandler}: a {@link FullHttpRequest} written outbound, then a response head and
 * its content messages fed inbound (the 350 B chat completion of {@link JdkClientBenchmark} in
 * one {@link LastHttpContent}, or a stream of server-sent events), everything read back out
 * and released. No codec and no socket: an {@link EmbeddedChannel}, so the difference between
 * {@code bare} and {@code failover} is what the handler adds to an exchange, in nanoseconds;
 * {@code passthrough} (a handler that only passes messages on) splits that into the pipeline's
 * price for one more handler and the handler's own work.
 *
 * <p>Everything is built in setup. Per exchange only the message shells are new (the request
 * and each content message, over a {@code retainedDuplicate()} or {@code retainedSlice()} of a
 * prebuilt buffer and over prebuilt headers); the response head is the same object every time.
 * Whatever comes out is released, and the teardown checks that both buffers are back to one
 * reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NettyHandlerBenchmark {
  /** Server-sent events in the {@code sse} response. */
  static final int EVENTS = 64;

  /** The messages, shared by all benchmarks. */
  @State(Scope.Thread)
  public static class Messages {
    /**
     * {@code json}: the 350 B chat completion of {@link JdkClientBenchmark} in one {@link
     * LastHttpContent}. {@code sse}: a streamed completion, {@value #EVENTS} server-sent events
     * of ~190 B (11.9 KB in all), each in its own {@link HttpContent} as a codec passes them
     * on, then an empty {@link LastHttpContent}.
     */
    @Param({"json", "sse"})
    public String response;

    ByteBuf requestBody;
    HttpHeaders requestHeaders;
    HttpHeaders noTrailers;
    HttpResponse head;
    /** The whole body; each exchange hands on slices of it. */
    ByteBuf body;
    /** Where each content message starts in {@link #body}, and the end: chunks + 1 entries. */
    int[] bounds;

    /** Builds the request and response parts. */
    @Setup(Level.Trial)
    public void setUp() {
      requestBody = Unpooled.wrappedBuffer(
          JdkClientBenchmark.REQUEST.getBytes(StandardCharsets.UTF_8));
      requestHeaders = new DefaultHttpHeaders()
          .set(HttpHeaderNames.HOST, "api.openai.com")
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .set(HttpHeaderNames.CONTENT_LENGTH, requestBody.readableBytes())
          .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + JdkClientBenchmark.TOKENS[0]);
      noTrailers = new DefaultHttpHeaders();
      HttpHeaders responseHeaders = new DefaultHttpHeaders()
          .set(HttpHeaderNames.DATE, "Tue, 04 Nov 2025 10:15:30 GMT");
      switch (response) {
        case "json" -> {
          body = Unpooled.wrappedBuffer(JdkClientBenchmark.RESPONSE);
          bounds = new int[] {0, body.readableBytes()};
          responseHeaders
              .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
              .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        case "sse" -> {
          StringBuilder sb = new StringBuilder();
          bounds = new int[EVENTS + 1];
          for (int i = 0; i < EVENTS; i++) {
            bounds[i] = sb.length();
            sb.append(i == EVENTS - 1 ? "data: [DONE]\n\n" : "data: {\"id\":\"chatcmpl-8c1f0a4b2d9e4f7a\","
                + "\"object\":\"chat.completion.chunk\",\"created\":1762251330,\"model\":"
                + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i
                + "\"},\"finish_reason\":null}]}\n\n");
          }
          bounds[EVENTS] = sb.length();
          body = Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8));
          responseHeaders
              .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
              .set(HttpHeaderNames.TRANSFER_ENCODING, "chunked")
              .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        }
        default -> throw new IllegalArgumentException("no response named " + response);
      }
      responseHeaders
          .set(HttpHeaderNames.CONNECTION, "keep-alive")
          .set("x-request-id", "req_8c1f0a4b2d9e4f7a")
          .set("openai-processing-ms", "412")
          .set(HttpHeaderNames.SERVER, "cloudflare");
      head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          responseHeaders);
    }

    /** Fails the run if an exchange leaked or over-released a buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
      JdkClientBenchmark.expect(requestBody.refCnt() == 1 && body.refCnt() == 1,
          "buffers back to one reference: " + requestBody.refCnt() + ", " + body.refCnt());
    }

    /** The request, over the shared body and headers. */
    FullHttpRequest request() {
      return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
          JdkClientBenchmark.PATH, requestBody.retainedDuplicate(), requestHeaders, noTrailers);
    }

    /** The response: its head, then its content messages over slices of the body. */
    Object[] response() {
      int chunks = bounds.length - 1;
      Object[] msgs = new Object[chunks + (chunks == 1 ? 1 : 2)];
      msgs[0] = head;
      for (int i = 0; i < chunks; i++) {
        ByteBuf slice = body.retainedSlice(bounds[i], bounds[i + 1] - bounds[i]);
        msgs[i + 1] = chunks == 1
            ? new DefaultLastHttpContent(slice, noTrailers) : new DefaultHttpContent(slice);
      }
      if (chunks > 1) {
        msgs[chunks + 1] = LastHttpContent.EMPTY_LAST_CONTENT;
      }
      return msgs;
    }

    /** One exchange on {@code ch}: write, feed, read everything back and release it. */
    Object exchange(EmbeddedChannel ch) {
      ch.writeOutbound(request());
      ch.writeInbound(response());
      ReferenceCountUtil.release(ch.readOutbound());
      Object m;
      Object last = null;
      while ((m = ch.readInbound()) != null) {
        ReferenceCountUtil.release(m);
        last = m;
      }
      return last;
    }
  }

  /** The baseline: an empty pipeline. */
  @State(Scope.Thread)
  public static class Bare {
    EmbeddedChannel channel;

    /** Opens the channel. */
    @Setup(Level.Trial)
    public void setUp(Messages m) {
      channel = new EmbeddedChannel();
      check(channel, m);
    }

    /** Closes the channel; nothing may be left in it. */
    @TearDown(Level.Trial)
    public void tearDown() {
      JdkClientBenchmark.expect(!channel.finishAndReleaseAll(), "nothing left in the channel");
    }
  }

  /**
   * A control: a handler that intercepts the same events as {@link FailoverClientHandler}
   * ({@code write}, {@code channelRead}) and only passes them on. What it costs over {@link
   * Bare} is the pipeline's price for one more handler; the rest of the failover handler's cost
   * is its own work.
   */
  @State(Scope.Thread)
  public static class Passthrough {
    EmbeddedChannel channel;

    /** Opens the channel. */
    @Setup(Level.Trial)
    public void setUp(Messages m) {
      channel = new EmbeddedChannel(new ChannelDuplexHandler() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
          ctx.write(msg, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ctx.fireChannelRead(msg);
        }
      });
      check(channel, m);
    }

    /** Closes the channel; nothing may be left in it. */
    @TearDown(Level.Trial)
    public void tearDown() {
      JdkClientBenchmark.expect(!channel.finishAndReleaseAll(), "nothing left in the channel");
    }
  }

  /** The pipeline with the handler, over a pool of four tokens under {@code rules}. */
  @State(Scope.Thread)
  public static class Failover {
    /**
     * {@code status}: status-only rules, the 200 is judged on its head. {@code seed}: the
     * seed's rules (SPEC §3), whose body condition has no status clause, so the head's headers
     * are copied, the body is copied aside as it passes, and it is searched.
     */
    @Param({"status", "seed"})
    public String rules;

    private ExecutorScheduler scheduler;
    private TokenPool pool;
    EmbeddedChannel channel;

    /** Builds the pool and the channel, and checks one exchange is recorded as a success. */
    @Setup(Level.Trial)
    public void setUp(Messages m) {
      FailoverConfig.Builder config = FailoverConfig.builder()
          .failureThreshold(3)
          .cooldown(Duration.ofSeconds(30));
      switch (rules) {
        case "status" -> config.conditions(Condition.status(429), Condition.status(502, 503));
        case "seed" -> config.conditions(
            Condition.status(403).withHeader("failure=true"),
            Condition.status(502, 503),
            Condition.body("No quota available"));
        default -> throw new IllegalArgumentException("no rules named " + rules);
      }
      scheduler = new ExecutorScheduler();
      pool = TokenPool.builder("bench").tokens(JdkClientBenchmark.TOKENS).config(config.build())
          .scheduler(scheduler).build();
      channel = new EmbeddedChannel(new FailoverClientHandler(pool));
      check(channel, m);
      JdkClientBenchmark.expect(successes(pool) == 1, "the exchange was recorded: "
          + pool.snapshot());
    }

    /** Checks every exchange was recorded as a success, then closes the channel. */
    @TearDown(Level.Trial)
    public void tearDown() {
      long failures = 0;
      for (TokenSnapshot s : pool.snapshot()) {
        failures += s.failures() + s.ejections();
      }
      System.out.println("[rules=" + rules + "] " + successes(pool) + " requests, "
          + failures + " failures or ejections");
      JdkClientBenchmark.expect(failures == 0, "every response was a success");
      JdkClientBenchmark.expect(!channel.finishAndReleaseAll(), "nothing left in the channel");
      pool.close();
      scheduler.close();
    }

    private static long successes(TokenPool pool) {
      long n = 0;
      for (TokenSnapshot s : pool.snapshot()) {
        n += s.requests();
      }
      return n;
    }
  }

  /** One exchange done by hand, checking what comes out of the pipeline. */
  static void check(EmbeddedChannel ch, Messages m) {
    ch.writeOutbound(m.request());
    Object[] response = m.response();
    ch.writeInbound(response);
    FullHttpRequest sent = ch.readOutbound();
    try {
      JdkClientBenchmark.expect(sent.headers().get(HttpHeaderNames.AUTHORIZATION)
          .startsWith("Bearer sk-bench-"), "the request carries a token");
      JdkClientBenchmark.expect(ch.outboundMessages().isEmpty(), "one request out");
    } finally {
      ReferenceCountUtil.release(sent);
    }
    JdkClientBenchmark.expect(ch.readInbound() == m.head, "the head passed through first");
    int bytes = 0;
    int messages = 1;
    Object msg;
    Object last = null;
    while ((msg = ch.readInbound()) != null) {
      bytes += ((HttpContent) msg).content().readableBytes();
      messages++;
      last = msg;
      ReferenceCountUtil.release(msg);
    }
    JdkClientBenchmark.expect(messages == response.length && last instanceof LastHttpContent
        && bytes == m.body.readableBytes(), "every message passed through, the body whole");
  }

  /** The exchange through an empty pipeline. */
  @Benchmark
  public Object bare(Messages m, Bare b) {
    return m.exchange(b.channel);
  }

  /** The exchange through a handler that only passes the messages on (a control). */
  @Benchmark
  public Object passthrough(Messages m, Passthrough p) {
    return m.exchange(p.channel);
  }

  /** The exchange through {@link FailoverClientHandler}. */
  @Benchmark
  public Object failover(Messages m, Failover f) {
    return m.exchange(f.channel);
  }
}
