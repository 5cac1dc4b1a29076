package io.github.failover4j.netty;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Token failover for one client connection toward an upstream: put it after the HTTP client
 * codec ({@code HttpClientCodec}) of a gateway's upstream channel.
 *
 * <p>On every outbound {@link HttpRequest} it sets the pool's auth header to the token's value
 * (replacing whatever the client sent). The token is the one a gateway chose with {@link
 * #useToken(Channel, TokenHandle)} for this request (e.g. from a {@code RetryPlan}), or else
 * one it selects itself; when the pool has no healthy token the write fails with {@link
 * NoHealthyTokenException} and the request is dropped.
 *
 * <p>On every inbound response it judges the token: from status and headers alone when no
 * failure rule needs the body ({@link TokenPool#needsBody}); otherwise it copies the first
 * {@link TokenPool#maxBodyBytes()} bytes aside while passing every chunk on as it arrives, and
 * judges when it has them or the body ends. The verdict is recorded at once and announced with
 * a {@link ResponseJudged} user event. A request that gets no response (exception, or the
 * connection closes first) is recorded as {@link Verdict#TRANSPORT_ERROR}.
 *
 * <pre>{@code
 * bootstrap.handler(new ChannelInitializer<SocketChannel>() {
 *   protected void initChannel(SocketChannel ch) {
 *     ch.pipeline().addLast(new HttpClientCodec(), new FailoverClientHandler(pool), myHandler);
 *   }
 * });
 * }</pre>
 *
 * <p>One instance per channel (it tracks the channel's requests in order, as HTTP/1.1 answers
 * them); all its methods run on the channel's event loop.
 */
public final class FailoverClientHandler extends ChannelDuplexHandler {
  private static final AttributeKey<TokenHandle> NEXT_TOKEN =
      AttributeKey.valueOf(FailoverClientHandler.class, "NEXT_TOKEN");
  private static final AttributeKey<Boolean> JUDGE_ONLY =
      AttributeKey.valueOf(FailoverClientHandler.class, "JUDGE_ONLY");

  private final TokenPool pool;
  /**
   * The pool's auth header name as Netty's own string type: its case-insensitive hash is
   * computed once, not for every request as it would be for a {@link String} name.
   */
  private final AsciiString authHeader;
  /** Tokens of the requests written and not yet answered, oldest first. */
  private final ArrayDeque<TokenHandle> inFlight = new ArrayDeque<>(2);
  /** For each request in {@link #inFlight}: whether its verdict is recorded on its token. */
  private final ArrayDeque<Boolean> recording = new ArrayDeque<>(2);
  /** The content of a request that was refused is dropped until its last chunk. */
  private boolean dropping;
  /** The response being judged: its token, its view and its body capture. */
  private TokenHandle judging;
  private boolean judgingRecords;
  private HeadersView view;
  private BodyCapture capture;

  /** A handler for one channel whose requests go out with tokens of {@code pool}. */
  public FailoverClientHandler(TokenPool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.authHeader = AsciiString.cached(pool.auth().header()); // a pool's auth never changes
  }

  /**
   * Makes the next request written on {@code channel} go out with {@code token}, instead of one
   * the handler selects. Call it before writing the request.
   */
  public static void useToken(Channel channel, TokenHandle token) {
    channel.attr(NEXT_TOKEN).set(Objects.requireNonNull(token, "token"));
    channel.attr(JUDGE_ONLY).set(null);
  }

  /**
   * Like {@link #useToken(Channel, TokenHandle)}, but the verdicts of that request (its
   * response, or its transport error) are only judged and announced with {@link
   * ResponseJudged}, not recorded on the token: for a gateway whose own plan records them
   * (e.g. a {@code FallbackPlan}, which charges keys by its own rule), so nothing is recorded
   * twice.
   */
  public static void useTokenJudgingOnly(Channel channel, TokenHandle token) {
    channel.attr(NEXT_TOKEN).set(Objects.requireNonNull(token, "token"));
    channel.attr(JUDGE_ONLY).set(Boolean.TRUE);
  }

  // ---------------------------------------------------------------- outbound

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest request) {
      TokenHandle token = ctx.channel().attr(NEXT_TOKEN).getAndSet(null);
      boolean records = token == null || ctx.channel().attr(JUDGE_ONLY).getAndSet(null) == null;
      try {
        if (token == null) {
          token = pool.select();
        } else if (token.pool() != pool) {
          throw new IllegalArgumentException(token + " is not a token of pool " + pool.name());
        }
      } catch (RuntimeException e) {
        dropping = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        promise.setFailure(e);
        return;
      }
      dropping = false;
      request.headers().set(authHeader, token.authorization());
      inFlight.add(token);
      recording.add(records ? Boolean.TRUE : Boolean.FALSE);
    } else if (dropping && msg instanceof HttpContent) {
      dropping = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      promise.setFailure(new IllegalStateException("the request was refused: no token"));
      return;
    }
    ctx.write(msg, promise);
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ResponseJudged judged = null;
    if (!bodyChunk(msg) && msg instanceof HttpResponse response
        && !informational(response.status().code())) {
      judged = head(response);
    }
    if (capture != null) { // the decoder's chunk classes first, as in bodyChunk
      Class<?> c = msg.getClass();
      if (c == DefaultHttpContent.class) {
        judged = captured(((DefaultHttpContent) msg).content(), false);
      } else if (c == DefaultLastHttpContent.class) {
        judged = captured(((DefaultLastHttpContent) msg).content(), true);
      } else if (msg instanceof HttpContent content) {
        judged = captured(content.content(), msg instanceof LastHttpContent);
      }
    }
    ctx.fireChannelRead(msg);
    if (judged != null) {
      ctx.fireUserEventTriggered(judged);
    }
  }

  /**
   * Whether {@code msg} is one of the body chunks Netty's HTTP decoder emits, told by its exact
   * class. Most messages of a streamed response are such chunks, and on JDKs before 23 an
   * {@code instanceof} test against an interface the class does not implement first (here
   * {@link HttpResponse}, then {@link HttpContent}, then Netty's own {@code ReferenceCounted})
   * misses the JVM's one-entry cache and scans the class's interfaces each time (JDK-8180450);
   * a class comparison costs nothing. Any other class takes the {@code instanceof} path.
   */
  private static boolean bodyChunk(Object msg) {
    Class<?> c = msg.getClass();
    return c == DefaultHttpContent.class || c == DefaultLastHttpContent.class
        || msg == LastHttpContent.EMPTY_LAST_CONTENT;
  }

  /** Adds a chunk to the capture; judges when it is full or the body ended. */
  private ResponseJudged captured(ByteBuf content, boolean last) {
    ByteBufFeed.feed(capture, content);
    return capture.isDone() || last ? judge() : null;
  }

  /** 1xx responses other than 101 precede the real response; they say nothing of the token. */
  private static boolean informational(int status) {
    return status >= 100 && status < 200 && status != 101;
  }

  private ResponseJudged head(HttpResponse response) {
    release(); // a head while capturing means the last body never ended; drop its capture
    judging = inFlight.poll();
    judgingRecords = !Boolean.FALSE.equals(recording.poll());
    if (judging == null) {
      return null; // a response to no request we sent; nothing to judge
    }
    if (response.decoderResult().isFailure()) {
      return record(Verdict.TRANSPORT_ERROR, 0);
    }
    view = new HeadersView(response.status().code(), response.headers());
    int cap = pool.maxBodyBytes();
    if (cap == 0 || !pool.needsBody(view)) {
      return judge();
    }
    // The caller may change the headers once the head is passed on; judge on a copy.
    view = new HeadersView(view.status(), response.headers().copy());
    capture = view.capture(cap);
    return null;
  }

  private ResponseJudged judge() {
    TokenHandle token = judging;
    HeadersView v = view;
    clear();
    Verdict verdict = judgingRecords ? token.report(v) : pool.classify(v);
    return new ResponseJudged(token, verdict, v.status());
  }

  private ResponseJudged record(Verdict verdict, int status) {
    TokenHandle token = judging;
    boolean records = judgingRecords;
    clear();
    if (records) {
      token.record(verdict);
    }
    return new ResponseJudged(token, verdict, status);
  }

  /** Forgets the response judged; its capture keeps what it decoded, for the view. */
  private void clear() {
    judging = null;
    view = null;
    release();
  }

  /** Releases the capture's inflater (native memory), whether or not it had all it needs. */
  private void release() {
    if (capture != null) {
      capture.close();
      capture = null;
    }
  }

  /** The capture of the response being judged, or {@code null}; for tests. */
  BodyCapture capturing() {
    return capture;
  }

  // ---------------------------------------------------------------- transport errors

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    unanswered(ctx);
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    unanswered(ctx);
    ctx.fireChannelInactive();
  }

  /** Taken out of the pipeline mid-body: nothing will end the capture, so release it now. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  /**
   * The connection failed: a response whose head arrived is judged on the body it got so far;
   * every request still waiting for its response is a transport error.
   */
  private void unanswered(ChannelHandlerContext ctx) {
    if (judging != null) {
      ctx.fireUserEventTriggered(judge());
    }
    TokenHandle token;
    while ((token = inFlight.poll()) != null) {
      if (!Boolean.FALSE.equals(recording.poll())) {
        token.record(Verdict.TRANSPORT_ERROR);
      }
      ctx.fireUserEventTriggered(new ResponseJudged(token, Verdict.TRANSPORT_ERROR, 0));
    }
  }
}
