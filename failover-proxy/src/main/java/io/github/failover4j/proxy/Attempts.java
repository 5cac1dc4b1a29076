package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;

/**
 * Where the attempts of one {@link Exchange} go and when they stop: the engine's plan for the
 * request, seen from the proxy. Two plans exist and the exchange drives both the same way: a
 * request no route takes has its path prefix's {@link PrefixAttempts} (retries on the
 * provider's other keys, SPEC §5), a request a route takes has {@link RoutedAttempts} (the
 * route's fallback plan, SPEC §9). They differ in who records a verdict on a key — the
 * upstream handler for the former, the plan for the latter (it defers the charge while a
 * target may be in outage) — and in what the client is told. The decisions themselves are the
 * core's; these classes only translate them into what the exchange does next.
 *
 * <p>Not thread-safe: used on the client connection's event loop only.
 */
interface Attempts {

  /** What the exchange does next. */
  enum Kind {
    /** Send an attempt with {@link Next#token()} to {@link Next#route()}, after the wait. */
    SEND,
    /** Relay the response at hand (held back for judging) to the client. */
    DELIVER,
    /** The attempt got no answer and none follows: answer 502 or 504. */
    FAILED,
    /** Answer with {@link Next#answer()}, the proxy's own response. */
    ANSWER
  }

  /**
   * The next thing to do.
   *
   * @param kind what to do
   * @param token the token of a {@link Kind#SEND}
   * @param route the provider of a {@link Kind#SEND}: its endpoint, auth header and timeouts
   * @param waitNanos how long to wait before a {@link Kind#SEND} (back-off, Retry-After); 0: none
   * @param answer the response of an {@link Kind#ANSWER}
   */
  record Next(Kind kind, TokenHandle token, Route route, long waitNanos, FullHttpResponse answer) {
    static final Next DELIVER = new Next(Kind.DELIVER, null, null, 0, null);
    static final Next FAILED = new Next(Kind.FAILED, null, null, 0, null);

    static Next send(TokenHandle token, Route route, long waitNanos) {
      return new Next(Kind.SEND, token, route, waitNanos, null);
    }

    static Next answer(FullHttpResponse answer) {
      return new Next(Kind.ANSWER, null, null, 0, answer);
    }

    boolean isSend() {
      return kind == Kind.SEND;
    }
  }

  /**
   * The first attempt (or, when nothing can serve, the answer).
   *
   * @throws io.github.failover4j.core.NoHealthyTokenException when the provider of a request no
   *     route takes has no token to select
   */
  Next first();

  /** Time left for attempts and waits, or {@code null} when unbounded. */
  Duration remaining();

  /**
   * Whether a response with {@code status}, if judged a failure, could still lead to another
   * attempt: only then is it worth holding back until judged. Changes nothing.
   */
  boolean mayContinue(int status);

  /** Installs {@code token} on the attempt's {@code upstream} connection's failover handler. */
  void bind(Channel upstream, TokenHandle token);

  /** The attempt's connection never opened (refused, connect timeout). */
  void connectFailed(TokenHandle token);

  /** The attempt's response, held back, was judged {@code verdict}: another attempt, or deliver. */
  Next judged(Verdict verdict, HttpResponse head, int status);

  /** A verdict that can no longer change the answer (the response went out, or time ran out). */
  void late(Verdict verdict, HttpResponse head);

  /**
   * The attempt got no usable answer.
   *
   * @param timedOut it timed out (a silent provider), rather than failing on the wire
   * @param budgetSpent the request's own budget ran out
   */
  Next noAnswer(boolean timedOut, boolean budgetSpent);

  /**
   * Whether a held event stream that got its first bytes waits for its verdict before it goes
   * out (so a failed first event can still move on), rather than going out with them.
   */
  boolean waitsForVerdict();

  /** The response's head, {@code toClient}, goes to the client: nothing moves on after this. */
  void committed(HttpResponse toClient);

  /** The client went away: settle whatever the plan still owes the keys. */
  void abandon();
}
