package io.github.failover4j.proxy;

import io.github.failover4j.core.NoHealthyTokenException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayDeque;

/**
 * One client connection: routes each request to its provider and relays it through an
 * {@link Exchange}, or answers it itself (status page, unknown path, no healthy token). One
 * request at a time: a pipelined request waits, unread, until the one before it is answered.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(FailoverProxy.class.getName());

  private final FailoverProxy proxy;
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  /** The proxy answered the request itself; the rest of its body is dropped. */
  private boolean discarding;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();

  FrontendHandler(FailoverProxy proxy) {
    this.proxy = proxy;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  private boolean busy() {
    return exchange != null || discarding;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!queued.isEmpty() || (busy() && msg instanceof HttpRequest)) {
      queued.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      request(request);
    }
    if (msg instanceof HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (exchange != null) {
        exchange.onRequestContent(content);
      } else {
        content.release();
        if (discarding && last) {
          discarding = false;
          next();
        }
      }
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void request(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      answer(ProxyJson.error(HttpResponseStatus.BAD_REQUEST, "invalid_request_error",
          "the request could not be parsed"));
      ctx.close();
      return;
    }
    String path;
    String query;
    try {
      URI uri = new URI(request.uri());
      path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      query = uri.getRawQuery();
    } catch (java.net.URISyntaxException e) {
      answer(ProxyJson.error(HttpResponseStatus.BAD_REQUEST, "invalid_request_error",
          "the request target is not a valid URI"));
      return;
    }
    // ---- service hook (ops): the proxy's own endpoints (/_failover/…, /healthz, /readyz,
    // /metrics) are answered here, never forwarded; requests without a client key are refused.
    if (proxy.service().intercept(this, ctx, request, path)) {
      return;
    }
    // ----
    for (Route route : proxy.routes()) {
      String target = route.target(path, query);
      if (target != null) {
        relay(request, route, target);
        return;
      }
    }
    answer(ProxyJson.error(HttpResponseStatus.NOT_FOUND, "not_found",
        "no provider is configured for path " + path));
  }

  private void relay(HttpRequest request, Route route, String target) {
    Exchange e = new Exchange(proxy, this, ctx, route, request, target);
    exchange = e;
    try {
      e.start();
    } catch (NoHealthyTokenException ex) {
      exchange = null;
      e.abort();
      FullHttpResponse r = ProxyJson.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no_healthy_token", "every API token of provider '" + ex.pool()
              + "' is out of service; retry after " + ex.retryAfterSeconds() + " s");
      r.headers().set(HttpHeaderNames.RETRY_AFTER, ex.retryAfterSeconds());
      answer(r);
    }
  }

  /** Sends the proxy's own full response; the request's remaining body is dropped. */
  void answer(FullHttpResponse response) {
    if (exchange == null) {
      discarding = true;
    }
    if (proxy.closing()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture f = ctx.writeAndFlush(response);
    if (proxy.closing()) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    ctx.channel().config().setAutoRead(true);
  }

  /** The exchange answered and read its whole request. */
  void exchangeDone(Exchange e) {
    if (exchange == e) {
      exchange = null;
      next();
    }
  }

  /** Goes on with pipelined requests, or reads again; closes when the proxy shuts down. */
  private void next() {
    while (!busy() && !queued.isEmpty()) {
      dispatch(queued.poll());
    }
    if (!busy()) {
      if (proxy.closing()) {
        ctx.close();
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  /** Closes the connection if no request is in progress (the proxy is shutting down). */
  void closeIfIdle() {
    if (!busy() && queued.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onClientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.abort();
      exchange = null;
    }
    Object o;
    while ((o = queued.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that goes away is routine; anything else is a bug worth a line in the log.
    LOG.log(cause instanceof java.io.IOException ? System.Logger.Level.DEBUG
        : System.Logger.Level.WARNING, "client connection failed; closing it", cause);
    ctx.close();
  }
}
