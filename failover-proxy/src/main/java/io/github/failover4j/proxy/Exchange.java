package io.github.failover4j.proxy;

import io.github.failover4j.core.RetryPlan;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.netty.FailoverClientHandler;
import io.github.failover4j.netty.ResponseJudged;
import io.github.failover4j.spi.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One client request relayed to a provider, with retries on other tokens (SPEC §5). Runs on
 * the client connection's event loop, as do the upstream connections it uses, so it needs no
 * lock.
 *
 * <p>The request body is relayed as it arrives and kept (up to {@value #MAX_REPLAY_BYTES}
 * bytes, as retained buffers, not copies) so it can be sent again. When a retry is still
 * possible, the response is held back until the {@link FailoverClientHandler} has judged it
 * (at its head, or after the body prefix the rules need): a failure is then retried on an
 * untried token and the client never sees it. Event streams are never held: they reach the
 * client as they come, and once a byte went out there is no retry.
 */
final class Exchange {
  static final int MAX_REPLAY_BYTES = 8 << 20;

  private enum Phase { CONNECTING, WAITING, HOLDING, STREAMING, DONE }

  private final FailoverProxy proxy;
  private final FrontendHandler front;
  private final ChannelHandlerContext client;
  private final Route route;
  private final HttpRequest head;
  private final boolean headRequest;
  private final RetryPlan plan;

  /** Body chunks received; all of them while replayable, else only those not yet sent. */
  private final List<ByteBuf> chunks = new ArrayList<>();
  private long bodyBytes;
  private boolean replayable = true;
  private boolean requestDone;

  private int attemptNo;
  private TokenHandle token;
  private Channel upstream;
  private boolean reused;
  private boolean resentOnFreshConnection;
  private int sent;
  private boolean lastSent;
  private Phase phase = Phase.CONNECTING;
  private final List<HttpObject> held = new ArrayList<>();
  private HttpResponse upstreamHead;
  private boolean skippingInformational;
  private boolean upstreamComplete;
  private boolean judged;
  private boolean timedOut;
  private Scheduler.Cancellable timer;
  private boolean responseDone;

  Exchange(FailoverProxy proxy, FrontendHandler front, ChannelHandlerContext client, Route route,
      HttpRequest request, String target) {
    this.proxy = proxy;
    this.front = front;
    this.client = client;
    this.route = route;
    HttpHeaders headers = Headers.endToEnd(request.headers(),
        Headers.credentials(route.pool().auth().header()));
    headers.set(HttpHeaderNames.HOST, route.endpoint().hostHeader());
    this.head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, headers);
    this.headRequest = request.method().equals(HttpMethod.HEAD);
    this.plan = RetryPlan.of(route.pool());
  }

  /**
   * Starts the first attempt.
   *
   * @throws io.github.failover4j.core.NoHealthyTokenException when the pool has no token
   */
  void start() {
    attempt(plan.first(), false);
  }

  // ---------------------------------------------------------------- attempts

  private void attempt(TokenHandle t, boolean fresh) {
    int no = ++attemptNo;
    token = t;
    RequestObserver.attempt(client.channel(), t); // service hook (ops): access log, metrics
    upstream = null;
    phase = Phase.CONNECTING;
    sent = 0;
    lastSent = false;
    upstreamHead = null;
    upstreamComplete = false;
    skippingInformational = false;
    judged = false;
    client.channel().config().setAutoRead(false); // the body waits until the upstream is there
    armTimer(no);
    proxy.connections().acquire(route, client.channel().eventLoop(), fresh)
        .addListener((Future<Channel> f) -> connected(no, f));
  }

  private void connected(int no, Future<Channel> f) {
    if (no != attemptNo || phase != Phase.CONNECTING) {
      if (f.isSuccess()) {
        proxy.connections().release(route, f.getNow());
      }
      return;
    }
    if (!f.isSuccess()) {
      token.record(Verdict.TRANSPORT_ERROR);
      transportError();
      return;
    }
    upstream = f.getNow();
    reused = UpstreamHandler.bind(upstream, this);
    FailoverClientHandler.useToken(upstream, token);
    phase = Phase.WAITING;
    upstream.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri(),
        head.headers().copy()), upstream.voidPromise());
    sendBody();
    if (!requestDone) {
      client.channel().config().setAutoRead(upstream.isWritable());
    }
  }

  /** Writes the body chunks the current attempt has not had yet. */
  private void sendBody() {
    if (upstream == null || phase == Phase.CONNECTING) {
      return;
    }
    boolean wrote = false;
    while (sent < chunks.size()) {
      if (replayable) {
        upstream.write(new DefaultHttpContent(chunks.get(sent++).retainedDuplicate()),
            upstream.voidPromise());
      } else {
        upstream.write(new DefaultHttpContent(chunks.remove(sent)), upstream.voidPromise());
      }
      wrote = true;
    }
    if (requestDone && !lastSent) {
      upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
      lastSent = true;
      wrote = true;
    }
    if (wrote) {
      upstream.flush();
    }
  }

  private void armTimer(int no) {
    cancelTimer();
    Duration left = plan.remaining();
    if (left == null) {
      return;
    }
    Channel ch = client.channel();
    timer = proxy.scheduler().schedule(() -> ch.eventLoop().execute(() -> timedOut(no)),
        left.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** The retry budget ran out before the upstream answered. */
  private void timedOut(int no) {
    if (no != attemptNo || (phase != Phase.CONNECTING && phase != Phase.WAITING)) {
      return;
    }
    timedOut = true;
    if (phase == Phase.CONNECTING) {
      token.record(Verdict.TRANSPORT_ERROR);
      transportError();
    } else {
      upstream.close(); // the handler records a transport error and tells us
    }
  }

  // ---------------------------------------------------------------- the client's body

  void onRequestContent(HttpContent c) {
    ByteBuf b = c.content();
    boolean last = c instanceof LastHttpContent;
    if (responseDone || phase == Phase.DONE) {
      c.release(); // answered already: the rest of the body is dropped
    } else {
      if (b.isReadable()) {
        chunks.add(b.retain());
        bodyBytes += b.readableBytes();
      }
      c.release();
      if (replayable && bodyBytes > MAX_REPLAY_BYTES) {
        replayable = false; // too large to keep: no retry for this request
        for (int i = 0; i < sent; i++) {
          chunks.remove(0).release();
        }
        sent = 0;
      }
    }
    if (last) {
      requestDone = true;
    }
    sendBody();
    if (upstream != null && !upstream.isWritable() && !requestDone) {
      client.channel().config().setAutoRead(false);
    }
    if (requestDone) {
      client.channel().config().setAutoRead(true);
      finishIfDone();
    }
  }

  void onUpstreamWritable(Channel ch) {
    if (ch == upstream && !requestDone) {
      client.channel().config().setAutoRead(ch.isWritable());
    }
  }

  void onClientWritable() {
    if (upstream != null && phase == Phase.STREAMING) {
      upstream.config().setAutoRead(client.channel().isWritable());
    }
  }

  // ---------------------------------------------------------------- the upstream's response

  void onUpstreamRead(Channel ch, Object msg) {
    if (ch != upstream) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r) {
      int status = r.status().code();
      if (status >= 100 && status < 200 && status != 101) {
        skippingInformational = true; // e.g. 100 Continue: the real response follows
      } else {
        cancelTimer();
        upstreamHead = r;
        phase = holdBack(r) ? Phase.HOLDING : Phase.STREAMING;
      }
    }
    if (skippingInformational) {
      skippingInformational = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof LastHttpContent) {
      upstreamComplete = true;
    }
    if (phase == Phase.HOLDING) {
      held.add((HttpObject) msg);
    } else if (phase == Phase.STREAMING) {
      toClient((HttpObject) msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Whether to wait for the verdict before answering: only when a failure of this response
   * could still be retried on an untried token, and never for an event stream.
   */
  private boolean holdBack(HttpResponse r) {
    String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
    boolean eventStream = type != null && type.toLowerCase(java.util.Locale.ROOT)
        .startsWith("text/event-stream");
    return replayable && !eventStream && plan.mayRetryFailure(r.status().code());
  }

  void onJudged(Channel ch, ResponseJudged event) {
    if (ch != upstream || event.token() != token) {
      return;
    }
    judged = true;
    if (event.status() == 0) {
      transportError();
      return;
    }
    if (phase != Phase.HOLDING) {
      return;
    }
    if (replayable && plan.shouldRetry(event.verdict(), event.status())) {
      TokenHandle next = plan.next();
      if (next != null) {
        abandonAttempt();
        attempt(next, false);
        return;
      }
    }
    phase = Phase.STREAMING;
    List<HttpObject> out = new ArrayList<>(held);
    held.clear();
    for (HttpObject o : out) {
      toClient(o);
    }
  }

  void onUpstreamClosed(Channel ch) {
    if (ch != upstream) {
      return;
    }
    if (phase == Phase.STREAMING && !responseDone) {
      abortClient(); // the response was cut: the client must not take it as complete
    } else if (!judged && (phase == Phase.CONNECTING || phase == Phase.WAITING)) {
      transportError();
    }
  }

  /** The attempt got no response: resend, retry on another token, or answer 502/504. */
  private void transportError() {
    cancelTimer();
    abandonAttempt();
    if (timedOut) {
      answer(ProxyJson.error(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
          "the upstream of provider '" + route.pool().name() + "' did not answer in time"));
      return;
    }
    if (reused && !resentOnFreshConnection && replayable) {
      // a pooled connection the upstream had closed: not the token's fault, try a fresh one
      resentOnFreshConnection = true;
      attempt(token, true);
      return;
    }
    if (replayable && plan.shouldRetry(Verdict.TRANSPORT_ERROR, 0)) {
      TokenHandle next = plan.next();
      if (next != null) {
        attempt(next, false);
        return;
      }
    }
    answer(ProxyJson.error(HttpResponseStatus.BAD_GATEWAY, "upstream_unreachable",
        "the upstream of provider '" + route.pool().name() + "' could not be reached"));
  }

  // ---------------------------------------------------------------- toward the client

  private void toClient(HttpObject msg) {
    Object out = msg;
    if (msg instanceof HttpResponse r) {
      HttpHeaders h = Headers.endToEnd(r.headers(), Set.of());
      Headers.frame(h, r.status().code(), headRequest);
      if (proxy.closing()) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), h);
    }
    ChannelFuture f = client.writeAndFlush(out);
    if (msg instanceof LastHttpContent) {
      responseDone = true;
      releaseUpstream();
      if (proxy.closing()) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      finishIfDone();
    } else if (!client.channel().isWritable() && upstream != null) {
      upstream.config().setAutoRead(false); // resumed by onClientWritable
    }
  }

  /** Answers with the proxy's own response (nothing was sent to the client yet). */
  private void answer(io.netty.handler.codec.http.FullHttpResponse r) {
    phase = Phase.DONE;
    responseDone = true;
    front.answer(r);
    finishIfDone();
  }

  private void abortClient() {
    phase = Phase.DONE;
    responseDone = true;
    client.close();
  }

  // ---------------------------------------------------------------- cleanup

  /** Drops the current attempt: its held response and, unless reusable, its connection. */
  private void abandonAttempt() {
    for (HttpObject o : held) {
      ReferenceCountUtil.release(o);
    }
    held.clear();
    releaseUpstream();
  }

  private void releaseUpstream() {
    Channel ch = upstream;
    upstream = null;
    if (ch == null) {
      return;
    }
    UpstreamHandler.unbind(ch);
    ch.config().setAutoRead(true);
    if (upstreamComplete && lastSent && upstreamHead != null
        && HttpUtil.isKeepAlive(upstreamHead)) {
      proxy.connections().release(route, ch);
    } else {
      ch.close();
    }
  }

  private void finishIfDone() {
    if (requestDone && responseDone) {
      release();
      front.exchangeDone(this);
    }
  }

  /** The client went away: stop everything. */
  void abort() {
    phase = Phase.DONE;
    responseDone = true;
    requestDone = true;
    cancelTimer();
    abandonAttempt();
    release();
  }

  private void release() {
    cancelTimer();
    for (ByteBuf b : chunks) {
      b.release();
    }
    chunks.clear();
  }
}
