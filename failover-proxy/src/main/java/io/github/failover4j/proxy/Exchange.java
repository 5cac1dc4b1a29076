package io.github.failover4j.proxy;

import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.Outcome;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.netty.FailoverClientHandler;
import io.github.failover4j.netty.ResponseJudged;
import io.github.failover4j.proxy.Attempts.Next;
import io.github.failover4j.proxy.Watchdog.Kind;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client request relayed to a provider, with retries on other tokens (SPEC §5). Runs on
 * the client connection's event loop, as do the upstream connections it uses, so it needs no
 * lock.
 *
 * <p>The request body is relayed as it arrives and kept ({@link RequestBody}) so it can be sent
 * again; the proxy frames it itself ({@link UpstreamRequest#forAttempt}). When a retry is still
 * possible, the response is held back until the {@link FailoverClientHandler} has judged it; the
 * head of an event stream is held until its first body bytes (SPEC §10). A failure is then
 * retried on an untried token and the client never sees it. The {@link Watchdog} bounds every
 * wait; a response that breaks after bytes went out ends as {@link StreamGuard} says. An
 * upstream connection goes back to the pool only after an exchange that ended cleanly.
 *
 * <p>Where each attempt goes, how long to wait before it and when to stop is the engine's
 * plan, behind {@link Attempts}: the path prefix's retries ({@link PrefixAttempts}), or, when
 * the gateway file has {@code routes:} (SPEC §9) and one takes the request's JSON {@code
 * model}, the route's fallback plan ({@link RoutedAttempts}). Such a request waits for its body
 * (within the retry cap) before its first attempt; waits between attempts run on the proxy's
 * scheduler, and nothing moves on once the response's head went to the client.
 */
final class Exchange {
  private enum Phase { CONNECTING, WAITING, HOLDING, STREAMING, PAUSED, DONE }

  private final FailoverProxy proxy;
  private final FrontendHandler front;
  private final ChannelHandlerContext client;
  private final Routing routing;
  private final String apiPath;
  private final boolean hasBody;
  private final boolean headRequest;
  private final boolean http10;
  private final RequestBody body;
  private final Watchdog watchdog;
  /** The provider of the current attempt, its timeouts and its upstream request head. */
  private Route route;
  private Timeouts timeouts;
  private final UpstreamRequest head;
  /** The request's plan; null until its first attempt (a routed request waits for its body). */
  private Attempts attempts;

  private int attemptNo;
  private TokenHandle token;
  private Channel upstream;
  /** The current attempt's connection while it is acquired; cancelled when the attempt ends. */
  private Future<Channel> connecting;
  private boolean reused;
  private boolean resentOnFreshConnection;
  private Phase phase = Phase.CONNECTING;
  private AttemptState at = new AttemptState();
  private boolean unreadable;
  private Kind timedOut;
  private boolean responseDone;
  /** Written to the client and not flushed yet: flushed once per upstream read batch. */
  private boolean unflushed;

  Exchange(FailoverProxy proxy, FrontendHandler front, ChannelHandlerContext client, Route route,
      HttpRequest request, String apiPath) {
    this.proxy = proxy;
    this.front = front;
    this.client = client;
    this.routing = proxy.routing();
    this.apiPath = apiPath;
    this.headRequest = request.method().equals(HttpMethod.HEAD);
    this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.head = new UpstreamRequest(request); // the client's request, edited in place from here
    this.hasBody = head.hasBody();
    to(route);
    this.body = new RequestBody(proxy.retryMemory(), proxy.limits().retryBodyBytes());
    this.watchdog = new Watchdog(proxy.scheduler(), proxy.ticker(), client.channel().eventLoop(),
        this::expired);
  }

  /**
   * Starts the first attempt.
   *
   * @throws io.github.failover4j.core.NoHealthyTokenException when the pool has no token
   */
  void start() {
    if (hasBody && routing.routesByModel()) {
      return; // the body's model decides the plan: started once it is here (routeByModel)
    }
    attempts = new PrefixAttempts(route, body);
    go(attempts.first());
  }

  /** Attempts go to {@code r}: its endpoint, auth header, timeouts; the request's API path. */
  private void to(Route r) {
    route = r;
    timeouts = r.provider().timeouts();
    head.route(r.endpoint().basePath() + apiPath, r.pool().auth().header(),
        r.endpoint().hostHeader());
  }

  /** The body is here (or too large to keep): the first route taking its model, else the prefix. */
  private void routeByModel() {
    ModelField field = body.complete() && body.replayable() ? ModelField.find(body.copy()) : null;
    Routing.ModelRoute taking = field == null ? null : routing.modelRoute(field.model());
    attempts = taking == null ? new PrefixAttempts(route, body)
        : new RoutedAttempts(routing, taking, field, body);
    try {
      go(attempts.first());
    } catch (NoHealthyTokenException e) {
      answer(ProxyJson.noHealthyToken(e));
    }
  }

  /** Does what the plan says: an attempt (after its wait), the response at hand, or an answer. */
  private void go(Next next) {
    switch (next.kind()) {
      case SEND -> {
        if (next.route() != route) {
          to(next.route());
        }
        if (next.waitNanos() <= 0) {
          attempt(next.token(), false);
          return;
        }
        phase = Phase.PAUSED; // back-off or Retry-After, never past the budget (the plan's rule)
        watchdog.stop();
        proxy.scheduler().schedule(() -> client.channel().eventLoop().execute(() -> {
          if (phase == Phase.PAUSED) {
            attempt(next.token(), false);
          }
        }), next.waitNanos(), TimeUnit.NANOSECONDS);
      }
      case DELIVER -> {
        if (!at.eventStream || at.bodyStarted || at.upstreamComplete) {
          releaseHeld(); // else a stream's head waits for its first bytes
        }
      }
      case FAILED -> answer(ProxyJson.upstreamFailure(route.pool().name(), timedOut != null,
          unreadable));
      case ANSWER -> answer(next.answer());
      default -> throw new IllegalStateException(next.kind().name());
    }
  }

  // ---------------------------------------------------------------- attempts

  private void attempt(TokenHandle t, boolean fresh) {
    int no = ++attemptNo;
    token = t;
    RequestObserver.attempt(client.channel(), t); // service hook (ops): access log, metrics
    upstream = null;
    phase = Phase.CONNECTING;
    at = new AttemptState();
    body.rewind();
    watchdog.budget(attempts.remaining());
    watchdog.watch(Kind.CONNECT, timeouts.connect());
    connecting = proxy.connections().acquire(route, client.channel().eventLoop(), fresh);
    if (!connecting.isDone()) { // a pooled connection is there at once: no read toggling for it
      client.channel().config().setAutoRead(false); // the body waits until the upstream is there
    }
    connecting.addListener((Future<Channel> f) -> connected(no, f));
  }

  private void connected(int no, Future<Channel> f) {
    if (f.isCancelled()) {
      return; // abandoned while it waited for a capped provider's connection
    }
    if (no != attemptNo || phase != Phase.CONNECTING) {
      if (f.isSuccess()) {
        f.getNow().close(); // not needed any more; it carried nothing
      }
      return;
    }
    connecting = null;
    if (!f.isSuccess()) {
      attempts.connectFailed(token);
      transportError();
      return;
    }
    upstream = f.getNow();
    reused = UpstreamHandler.bind(upstream, this);
    attempts.bind(upstream, token);
    phase = Phase.WAITING;
    long length = body.complete() ? body.bytesToSend() : -1;
    upstream.write(head.forAttempt(length)).addListener(at.written(false));
    watchdog.watch(Kind.RESPONSE, timeouts.response());
    sendBody();
    if (!body.complete()) {
      client.channel().config().setAutoRead(upstream.isWritable());
    }
  }

  /** Writes the body chunks the current attempt has not had yet. */
  private void sendBody() {
    if (upstream == null || phase == Phase.CONNECTING) {
      return;
    }
    boolean wrote = body.writeTo(upstream);
    if (body.complete() && !at.lastSent) {
      upstream.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(at.written(true));
      at.lastSent = true;
      wrote = true;
    }
    if (wrote) {
      if (phase == Phase.WAITING) {
        watchdog.watch(Kind.RESPONSE, timeouts.response()); // counted from the last byte sent
      }
      upstream.flush();
    }
  }

  // ---------------------------------------------------------------- the client's body

  void onRequestContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (responseDone || phase == Phase.DONE) {
      c.release(); // answered already: the rest of the body is dropped
      if (last) {
        body.end();
      }
    } else {
      body.add(c.content().retain(), last);
      c.release();
      if (attempts == null && (body.complete() || !body.replayable())) {
        routeByModel();
      }
    }
    sendBody();
    if (upstream != null && !upstream.isWritable() && !body.complete()) {
      client.channel().config().setAutoRead(false);
    }
    if (body.complete()) {
      client.channel().config().setAutoRead(true);
      finishIfDone();
    }
  }

  /**
   * Resumes the client's body once the upstream drained. Pausing is decided after a flush
   * ({@link #onRequestContent}), not here: a large chunk makes the channel unwritable for as
   * long as the write itself, and toggling reads for that would cost two syscalls a chunk.
   */
  void onUpstreamWritable(Channel ch) {
    if (ch == upstream && !body.complete() && ch.isWritable()) {
      client.channel().config().setAutoRead(true);
    }
  }

  /** A slow client pauses the upstream, and its idle timeout: the upstream is not silent. */
  void onClientWritable() {
    if (upstream != null && phase == Phase.STREAMING) {
      boolean writable = client.channel().isWritable();
      upstream.config().setAutoRead(writable);
      watchdog.watch(Kind.IDLE, writable ? timeouts.idle() : null);
    }
  }

  // ---------------------------------------------------------------- the upstream's response

  void onUpstreamRead(Channel ch, Object msg) {
    if (ch != upstream) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg); // a head too large, a bad chunk, a premature close
      upstreamBroken();
      return;
    }
    if (msg instanceof HttpResponse r) {
      int status = r.status().code();
      if (status >= 100 && status < 200 && status != 101) {
        at.skippingInformational = true; // e.g. 100 Continue: the real response follows
      } else {
        responseHead(r);
      }
    }
    if (at.skippingInformational) {
      at.skippingInformational = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent c) {
      if (c.content().isReadable() && !at.bodyStarted) {
        at.bodyStarted = true;
        watchdog.watch(Kind.IDLE, timeouts.idle());
      } else {
        watchdog.activity();
      }
      if (msg instanceof LastHttpContent) {
        at.upstreamComplete = true;
        watchdog.stop();
      }
    }
    if (phase == Phase.HOLDING) {
      at.held.add((HttpObject) msg);
    } else if (phase == Phase.STREAMING) {
      toClient((HttpObject) msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void responseHead(HttpResponse r) {
    at.head(r); // its keep-alive read before toClient edits it
    at.eventStream = StreamGuard.isEventStream(r.headers());
    boolean retryable = body.replayable() && attempts.mayContinue(r.status().code());
    // an event stream's head waits for its first bytes: a failure before them can still be retried
    phase = retryable || at.eventStream ? Phase.HOLDING : Phase.STREAMING;
    if (phase == Phase.STREAMING) {
      watchdog.noBudget();
    }
    if (timeouts.firstByte() != null) {
      watchdog.watch(Kind.FIRST_BYTE, timeouts.firstByte());
    } else {
      watchdog.watch(Kind.IDLE, timeouts.idle());
    }
  }

  /** A read batch ended: a held stream that got its first bytes (and no retry) goes out. */
  void onUpstreamReadComplete(Channel ch) {
    flushClient(); // what this batch relayed, head and body together
    if (ch == upstream && phase == Phase.HOLDING && at.eventStream
        && (at.bodyStarted || at.upstreamComplete)) {
      if (at.judgedEarly != null) {
        ResponseJudged e = at.judgedEarly;
        at.judgedEarly = null;
        decide(e); // its first bytes came: the success reported now, the stream goes out
      } else if (at.judged || !attempts.waitsForVerdict()) {
        releaseHeld();
      } // else: judged when its capture is full or the body ends; held until then
    }
  }

  void onJudged(Channel ch, ResponseJudged event) {
    if (ch != upstream || event.token() != token) {
      return;
    }
    at.judged = true;
    if (event.status() == 0) {
      transportError();
      return;
    }
    if (phase != Phase.HOLDING) {
      attempts.late(event.verdict(), at.upstreamHead); // after the commit
    } else if (at.eventStream && !at.bodyStarted && !at.upstreamComplete
        && event.verdict().outcome() == Outcome.SUCCESS) {
      at.judgedEarly = event; // decided with its first bytes: a firstByte timeout moves on
    } else {
      decide(event);
    }
  }

  /** A held response was judged: another attempt, or it goes to the client. */
  private void decide(ResponseJudged event) {
    Next next = attempts.judged(event.verdict(), at.upstreamHead, event.status());
    if (next.isSend()) {
      abandonAttempt();
    }
    go(next);
  }

  private void releaseHeld() {
    phase = Phase.STREAMING;
    watchdog.noBudget();
    List<HttpObject> out = new ArrayList<>(at.held);
    at.held.clear();
    for (HttpObject o : out) {
      toClient(o);
    }
    flushClient();
  }

  void onUpstreamClosed(Channel ch) {
    if (ch != upstream) {
      return;
    }
    if (phase == Phase.STREAMING && !responseDone) {
      streamBroken("the upstream closed the connection before the response ended");
    } else if (phase == Phase.HOLDING) {
      upstreamBroken();
    } else if (!at.judged && (phase == Phase.CONNECTING || phase == Phase.WAITING)) {
      transportError();
    }
  }

  /** The upstream's response cannot be read to its end (bad head, bad chunk, cut). */
  private void upstreamBroken() {
    if (phase == Phase.STREAMING) {
      streamBroken("the upstream's response broke off");
    } else if (phase != Phase.DONE) {
      unreadable = true;
      transportError();
    }
  }

  /** A wait ran out ({@link Watchdog}): a transport error that never counts against the key. */
  private void expired(Kind kind) {
    if (phase == Phase.DONE) {
      return;
    }
    if (phase == Phase.STREAMING) {
      streamBroken("the upstream went silent (" + kind.name().toLowerCase(java.util.Locale.ROOT)
          + " timeout)");
      return;
    }
    if (phase == Phase.HOLDING && kind == Kind.BUDGET) {
      if (at.judgedEarly != null) {
        attempts.late(at.judgedEarly.verdict(), at.upstreamHead);
        at.judgedEarly = null;
      }
      releaseHeld(); // no time left for a retry: the client gets this response
      if (!responseDone) {
        watchdog.watch(Kind.IDLE, timeouts.idle());
      }
      return;
    }
    timedOut = kind;
    if (phase == Phase.CONNECTING) {
      attempts.connectFailed(token);
    }
    transportError(); // the upstream handler records it once the connection is closed
  }

  /** The attempt got no usable response: resend, retry on another token, or answer 502/504. */
  private void transportError() {
    boolean provablyUnsent = reused && at.writeFailed && at.upstreamHead == null
        && timedOut == null;
    abandonAttempt();
    if (provablyUnsent && !resentOnFreshConnection && body.replayable()) {
      // a pooled connection the upstream had closed took none of the request: try a fresh one
      resentOnFreshConnection = true;
      attempt(token, true);
      return;
    }
    Next next = attempts.noAnswer(timedOut != null, timedOut == Kind.BUDGET);
    if (next.isSend()) {
      timedOut = null;
      unreadable = false;
    }
    go(next);
  }

  // ---------------------------------------------------------------- toward the client

  private void toClient(HttpObject msg) {
    if (msg instanceof HttpResponse r) { // edited in place into the client's head
      at.closeDelimited = ClientResponse.head(r, headRequest, http10, proxy.closing(),
          token.secret());
      attempts.committed(r);
      at.scanning = ClientResponse.scans(r.status().code());
    }
    if (at.scanning && msg instanceof HttpContent c) {
      ClientResponse.mask(c.content(), token.secret());
    }
    if (!(msg instanceof LastHttpContent)) {
      // the head goes out with the first body bytes: one flush per upstream read batch
      client.write(msg, client.voidPromise());
      unflushed = true;
      if (!client.channel().isWritable() && upstream != null) {
        flushClient();
        upstream.config().setAutoRead(false); // resumed by onClientWritable
        watchdog.watch(Kind.IDLE, null);
      }
    } else {
      ChannelFuture f = client.writeAndFlush(msg);
      unflushed = false;
      responseDone = true;
      phase = Phase.DONE;
      releaseUpstream();
      if (proxy.closing() || at.closeDelimited) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      finishIfDone();
    }
  }

  private void flushClient() {
    if (unflushed) {
      unflushed = false;
      client.flush();
    }
  }

  /** Answers with the proxy's own response (nothing was sent to the client yet). */
  private void answer(FullHttpResponse r) {
    phase = Phase.DONE;
    responseDone = true;
    watchdog.stop();
    front.answer(r);
    finishIfDone();
  }

  /** The response broke after its head went out: SSE error event, then close. */
  private void streamBroken(String why) {
    phase = Phase.DONE;
    responseDone = true;
    watchdog.stop();
    abandonAttempt();
    StreamGuard.breakOff(client, at.eventStream, why + "; the response is incomplete");
  }

  // ---------------------------------------------------------------- cleanup

  /** Drops the current attempt: its held response and, unless reusable, its connection. */
  private void abandonAttempt() {
    if (connecting != null) {
      Future<Channel> c = connecting;
      connecting = null;
      c.cancel(false); // a waiter for a capped provider leaves its queue (done: no effect)
    }
    for (HttpObject o : at.held) {
      ReferenceCountUtil.release(o);
    }
    at.held.clear();
    releaseUpstream();
  }

  /** Pools the connection only after a clean exchange: all sent, all read, keep-alive. */
  private void releaseUpstream() {
    Channel ch = upstream;
    upstream = null;
    if (ch == null) {
      return;
    }
    UpstreamHandler.unbind(ch);
    ch.config().setAutoRead(true);
    if (at.endedCleanly()) {
      proxy.connections().release(route, ch);
    } else {
      ch.close();
    }
  }

  private void finishIfDone() {
    if (body.complete() && responseDone) {
      release();
      front.exchangeDone(this);
    }
  }

  /** The client went away: stop everything. */
  void abort() {
    if (attempts != null) {
      attempts.abandon();
    }
    phase = Phase.DONE;
    responseDone = true;
    abandonAttempt();
    release();
  }

  private void release() {
    watchdog.stop();
    body.release();
  }
}
