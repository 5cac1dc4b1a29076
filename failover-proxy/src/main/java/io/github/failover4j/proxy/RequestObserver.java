package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenHandle;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches one client connection's requests and answers, for metrics and the access log: a
 * record per request, from its head to the last byte of its answer. Answers come in request
 * order (HTTP/1.1), and the front handler serves one request at a time, so the oldest record
 * is always the request being served. Runs on the connection's event loop only.
 */
final class RequestObserver extends ChannelDuplexHandler {
  private static final AttributeKey<RequestObserver> KEY =
      AttributeKey.valueOf(RequestObserver.class, "observer");
  /** How much of a request body is kept to find its {@code model}, for the access log. */
  private static final int MODEL_SCAN_BYTES = 4096;
  private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"\\\\]{1,200})\"");

  /** What is known of one request. Fields are written on the connection's event loop. */
  static final class Record {
    final long startNanos = System.nanoTime();
    final String method;
    final String path;
    String client;
    String provider;
    String token;
    int attempts;
    int status;
    /** Answered by the proxy's own endpoints (admin, health, metrics): not counted. */
    boolean local;
    private byte[] body;
    private int bodyLength;

    Record(String method, String path) {
      this.method = method;
      this.path = path;
    }

    /** The request's {@code model}, when its body began with one. */
    String model() {
      if (body == null) {
        return null;
      }
      Matcher m = MODEL.matcher(new String(body, 0, bodyLength, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : null;
    }

    void scan(ByteBuf b) {
      int n = Math.min(b.readableBytes(), MODEL_SCAN_BYTES - bodyLength);
      if (n <= 0) {
        return;
      }
      if (body == null) {
        body = new byte[MODEL_SCAN_BYTES];
      }
      b.getBytes(b.readerIndex(), body, bodyLength, n);
      bodyLength += n;
    }
  }

  private final Service service;
  private final ArrayDeque<Record> records = new ArrayDeque<>();

  RequestObserver(Service service) {
    this.service = service;
  }

  /** The record of the request {@code ch} is serving, or null. */
  static Record current(Channel ch) {
    RequestObserver o = ch.attr(KEY).get();
    return o == null ? null : o.records.peek();
  }

  /** Notes an upstream attempt of the request {@code ch} is serving, with its token. */
  static void attempt(Channel ch, TokenHandle token) {
    Record r = current(ch);
    if (r != null) {
      r.attempts++;
      r.token = token.id();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().attr(KEY).set(this);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest r) {
      String uri = r.uri();
      int q = uri.indexOf('?');
      records.add(new Record(r.method().name(), q < 0 ? uri : uri.substring(0, q)));
    }
    if (msg instanceof HttpContent c && service.accessLogOn()) {
      Record last = records.peekLast();
      if (last != null) {
        last.scan(c.content());
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Record r = records.peek();
    if (r != null) {
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        r.status = response.status().code();
      }
      if (msg instanceof LastHttpContent) {
        records.poll();
        service.answered(r);
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Record r;
    while ((r = records.poll()) != null) {
      if (r.provider != null) { // it was being served
        r.status = 0; // the connection ended before the whole answer went out
        service.answered(r);
      }
    }
    ctx.fireChannelInactive();
  }
}
