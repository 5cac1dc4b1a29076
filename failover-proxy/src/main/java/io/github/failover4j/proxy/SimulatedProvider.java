package io.github.failover4j.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's stand-in for an OpenAI-compatible provider, on loopback: each token is healthy or
 * failing according to a schedule of demo time, probes included, so tokens run out of quota,
 * get ejected, and come back when their probes pass again. The model can go down for every
 * token too ({@code 503}), as a model or provider does: then the route falls back. Answers
 * name the model they were asked for.
 */
final class SimulatedProvider implements AutoCloseable {
  /** How one token fails while its window is open. */
  enum Failure { NONE, QUOTA, FORBIDDEN }

  /** A token's trouble: which failure, while {@code failing} holds for the demo's millis. */
  record Trouble(Failure failure, LongPredicate failing) {}

  private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

  private final Channel server;
  private final LongPredicate modelDown;
  /**
   * When the first request came: trouble windows count from there, not from start-up, so a
   * slow start (a loaded machine, a cold JIT) cannot make the demo miss its troubles.
   */
  private final AtomicLong firstRequestNanos = new AtomicLong();

  /**
   * @param troubles each token's trouble, by token
   * @param modelDown while it holds for the demo's millis, every request and probe gets {@code
   *     503}: the model is down for every key
   */
  SimulatedProvider(EventLoopGroup group, Map<String, Trouble> troubles, LongPredicate modelDown)
      throws InterruptedException {
    this.modelDown = modelDown;
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                new HttpObjectAggregator(1 << 20), new Handler(troubles));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress())
        .getPort());
  }

  /** Demo time: millis since the first request, or -1 before it. */
  long demoMillis() {
    long first = firstRequestNanos.get();
    return first == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - first);
  }

  private long millis() {
    long now = System.nanoTime();
    firstRequestNanos.compareAndSet(0, now);
    return TimeUnit.NANOSECONDS.toMillis(now - firstRequestNanos.get());
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Map<String, Trouble> troubles;

    Handler(Map<String, Trouble> troubles) {
      this.troubles = troubles;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
      String token = auth.startsWith("Bearer ") ? auth.substring(7) : auth;
      String body = req.content().toString(StandardCharsets.UTF_8);
      Trouble t = troubles.getOrDefault(token, new Trouble(Failure.NONE, m -> false));
      long at = millis();
      Matcher m = MODEL.matcher(body);
      String model = m.find() ? m.group(1) : "unknown";
      if (modelDown.test(at)) {
        json(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error\":{\"message\":\"The model "
            + model + " is currently overloaded\",\"type\":\"server_error\"}}", false);
        return;
      }
      Failure now = t.failing().test(at) ? t.failure() : Failure.NONE;
      switch (now) {
        case QUOTA -> json(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "{\"error\":{\"message\":"
            + "\"No quota available\",\"type\":\"insufficient_quota\"}}", false);
        case FORBIDDEN -> json(ctx, HttpResponseStatus.FORBIDDEN, "{\"error\":{\"message\":"
            + "\"key suspended\",\"type\":\"forbidden\"}}", true);
        case NONE -> {
          if (body.replace(" ", "").contains("\"stream\":true")) {
            stream(ctx, model);
          } else {
            json(ctx, HttpResponseStatus.OK, completion(model, body.contains("你是谁")
                ? "我是 " + model : "Hello from " + model), false);
          }
        }
      }
    }

    private void json(ChannelHandlerContext ctx, HttpResponseStatus status, String body,
        boolean failureHeader) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.wrappedBuffer(bytes));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      if (failureHeader) {
        r.headers().set("failure", "true");
      }
      ctx.writeAndFlush(r);
    }

    /** Five SSE chunks, 80 ms apart, then {@code [DONE]}. */
    private void stream(ChannelHandlerContext ctx, String model) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ctx.writeAndFlush(head);
      String[] words = {"Fail", "over ", "keeps ", "streams ", "flowing."};
      for (int i = 0; i <= words.length; i++) {
        int n = i;
        ctx.executor().schedule(() -> {
          String data = n < words.length ? "data: {\"object\":\"chat.completion.chunk\","
              + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + words[n] + "\"}}]}\n\n"
              : "data: [DONE]\n\n";
          ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(data, StandardCharsets.UTF_8)));
          if (n == words.length) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          } else {
            ctx.flush();
          }
        }, 80L * (n + 1), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close().addListener(ChannelFutureListener.CLOSE);
    }
  }

  static String completion(String model, String content) {
    return "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion\",\"created\":1700000000,"
        + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}";
  }
}
