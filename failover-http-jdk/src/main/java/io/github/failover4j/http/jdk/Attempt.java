package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One try of an {@link Exchange} with one token: the request carrying the token, and the body
 * handler the JDK calls once the status and headers are in. It picks how the body flows:
 *
 * <ul>
 *   <li>the rules do not need the body: the response is judged on status and headers at once,
 *       and the caller's subscriber gets the body untouched (or the body is dropped for a retry);
 *   <li>they need it and a failure could still be retried: the body is held back until its
 *       first {@code maxBodyBytes} decoded bytes are judged ({@link HoldingSubscriber}), so a
 *       retry happens before the caller saw a byte;
 *   <li>they need it and no retry is possible, or the response is a stream (SSE, NDJSON): the
 *       body flows to the caller chunk by chunk while its prefix is copied aside and judged
 *       ({@link TeeSubscriber}).
 * </ul>
 *
 * <p>An attempt is recorded at most once, by whichever of judging or a transport error comes
 * first.
 */
final class Attempt<T> implements BodyHandler<T> {
  private final Exchange<T> exchange;
  private final TokenHandle token;
  private final HttpRequest request;
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile TokenHandle retryWith;
  private volatile boolean handedOver;

  Attempt(Exchange<T> exchange, TokenHandle token, HttpRequest request) {
    this.exchange = exchange;
    this.token = token;
    this.request = request;
  }

  /** The request to send: the caller's, with this attempt's token. */
  HttpRequest request() {
    return request;
  }

  TokenHandle token() {
    return token;
  }

  Exchange<T> exchange() {
    return exchange;
  }

  /** The token to retry with once this attempt's response is dropped, or {@code null}. */
  TokenHandle retryWith() {
    return retryWith;
  }

  /** Whether the caller's body subscriber was created: from then on, no retry. */
  boolean handedOver() {
    return handedOver;
  }

  @Override
  public BodySubscriber<T> apply(ResponseInfo info) {
    View view = new View(info.statusCode(), info.headers());
    if (!exchange.pool.needsBody(view)) {
      TokenHandle next = exchange.retryAfter(token, settle(view), view.status());
      return next == null ? handOver(info) : drop(info, next);
    }
    // The rules read the decoded body: gzip and deflate are inflated aside, br & co. not read.
    BodyCapture prefix = Captures.of(exchange.pool.maxBodyBytes(), info.headers());
    if (exchange.mayRetryFailure(view.status()) && !isStream(info.headers())) {
      return new HoldingSubscriber<>(this, info, view, prefix);
    }
    return new TeeSubscriber<>(this, view, handOver(info), prefix);
  }

  /**
   * Judges {@code view} (its body prefix attached if the rules need it) and records the
   * verdict; returns it, or {@code null} when this attempt was already recorded.
   */
  Verdict settle(View view) {
    return settled.compareAndSet(false, true) ? token.report(view) : null;
  }

  /** Records a transport error, unless this attempt was already recorded. */
  void settleTransportError() {
    if (settled.compareAndSet(false, true)) {
      token.record(Verdict.TRANSPORT_ERROR);
    }
  }

  /**
   * Judges a response whose body prefix was held back; returns whether it is retried (then the
   * caller never sees it).
   */
  boolean settleHeld(View view) {
    TokenHandle next = exchange.retryAfter(token, settle(view), view.status());
    retryWith = next;
    return next != null;
  }

  /** Creates the caller's body subscriber; from here on this attempt is never retried. */
  BodySubscriber<T> handOver(ResponseInfo info) {
    handedOver = true;
    return exchange.handler.apply(info);
  }

  private BodySubscriber<T> drop(ResponseInfo info, TokenHandle next) {
    retryWith = next;
    return Discard.of(info);
  }

  /** Streams are never held back: their first event must reach the caller as it arrives. */
  private static boolean isStream(HttpHeaders headers) {
    String type = headers.firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    return type.startsWith("text/event-stream") || type.startsWith("application/x-ndjson");
  }
}
