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
 * request at a time: a pipelined request waits, queued with its body and reads paused, until
 * the one before it is answered, so answers go out in order. Heads that fail {@link
 * RequestChecks} and corrupt chunked bodies are refused with a close.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(FailoverProxy.class.getName());

  private final FailoverProxy proxy;
  private final ClientGuard.Tracker tracker;
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  /** The proxy answered the request itself; the rest of its body is dropped. */
  private boolean discarding;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  /** A request was refused and the connection is closing: nothing more is read. */
  private boolean refused;
  /** Request heads handled so far on this connection (the current one included). */
  private int requests;

  FrontendHandler(FailoverProxy proxy, ClientGuard.Tracker tracker) {
    this.proxy = proxy;
    this.tracker = tracker;
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
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
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
      if (refused) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      RequestChecks.Refusal corrupt = RequestChecks.checkContent(content.decoderResult());
      if (corrupt != null) {
        content.release();
        badBody(corrupt);
        return;
      }
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
    requests++;
    RequestChecks.Refusal refusal = RequestChecks.check(request);
    if (refusal != null) {
      refuse(refusal);
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
      String api = route.apiPath(path, query);
      if (api != null) {
        relay(request, route, api);
        return;
      }
    }
    answer(ProxyJson.error(HttpResponseStatus.NOT_FOUND, "not_found",
        "no provider is configured for path " + path));
  }

  private void relay(HttpRequest request, Route route, String apiPath) {
    Exchange e = new Exchange(proxy, this, ctx, route, request, apiPath);
    exchange = e;
    try {
      e.start();
    } catch (NoHealthyTokenException ex) {
      exchange = null;
      e.abort();
      answer(ProxyJson.noHealthyToken(ex));
    }
  }

  /**
   * Answers a request the proxy will not serve (malformed, smuggling, too large) and closes the
   * connection once the answer is out; nothing more is read from it.
   */
  private void refuse(RequestChecks.Refusal refusal) {
    refused = true;
    Object o;
    while ((o = queued.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
    FullHttpResponse r = ProxyJson.error(refusal.status(), "invalid_request_error",
        refusal.message());
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A request body whose chunked framing broke: the upstream must never take what it got for a
   * whole request, so its exchange is aborted (the upstream connection closed) and the client
   * gets 400 (or, when its request was answered already, at least in part, just the close).
   */
  private void badBody(RequestChecks.Refusal refusal) {
    if (exchange != null) {
      Exchange e = exchange;
      exchange = null;
      e.abort();
    }
    if (tracker.responsesStarted() >= requests) {
      refused = true;
      ctx.close();
    } else {
      refuse(refusal);
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

  /**
   * Goes on with pipelined requests, or reads again; closes when the proxy shuts down. The body
   * of a request taken from the queue goes to it at once (waiting for it to end first was the
   * pipelining hang: the request waited for a body that waited behind it).
   */
  private void next() {
    while (!refused && !queued.isEmpty()
        && (!busy() || !(queued.peek() instanceof HttpRequest))) {
      dispatch(queued.poll());
    }
    if (refused) {
      return;
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
