package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Hands every chunk to the caller's subscriber as it arrives, copying the decoded prefix aside
 * ({@link BodyCapture}: inflated when the body is gzip or deflate, while the caller gets the chunks
 * as sent), and judges the response once the prefix is done, the body ends, or the caller
 * cancels (then on what it had read, which is all it saw). Buffers nothing but that prefix, so
 * a stream of server-sent events reaches the caller event by event. Demand and cancellation are
 * the caller's; a body that breaks off before judging counts as a transport error. The prefix's
 * inflater is released on every way out: done, end of body, error, cancel.
 */
final class TeeSubscriber<T> implements BodySubscriber<T> {
  private final Attempt<?> attempt;
  private final View view;
  private final BodySubscriber<T> caller;
  private final BodyCapture prefix;
  /** Set once, under this object's monitor; read without it once set. */
  private volatile boolean judged;

  TeeSubscriber(Attempt<?> attempt, View view, BodySubscriber<T> caller, BodyCapture prefix) {
    this.attempt = attempt;
    this.view = view;
    this.caller = caller;
    this.prefix = prefix;
  }

  @Override
  public CompletionStage<T> getBody() {
    return caller.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (prefix.isDone()) { // a cap of 0, or an encoding it cannot decode: judged on nothing
      judge();
    }
    caller.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        subscription.request(n);
      }

      @Override
      public void cancel() {
        judge();
        subscription.cancel();
      }
    });
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (!judged) {
      capture(item); // before the caller may consume the buffers
    }
    caller.onNext(item);
  }

  @Override
  public void onError(Throwable throwable) {
    synchronized (this) {
      prefix.close(); // a cancel may be judging on the caller's thread
    }
    attempt.settleTransportError();
    caller.onError(throwable);
  }

  @Override
  public void onComplete() {
    judge();
    caller.onComplete();
  }

  /*
   * The prefix is written by the publisher's thread, but a cancel may come from the caller's
   * thread; a monitor held only until the verdict (then `judged` short-cuts it) keeps the two
   * apart, and with them the inflater, which must not be ended while the other thread inflates.
   * Judging itself runs outside it, so listeners never run under it.
   */
  private void capture(List<ByteBuffer> item) {
    synchronized (this) {
      if (judged || !Captures.feed(prefix, item)) {
        return;
      }
      judged = true;
    }
    attempt.settle(view.prefix(prefix));
  }

  private void judge() {
    synchronized (this) {
      if (judged) {
        return;
      }
      judged = true;
      prefix.close();
    }
    attempt.settle(view.prefix(prefix));
  }
}
