package io.github.failover4j.http.jdk;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Hands every chunk to the caller's subscriber as it arrives, copying the first {@code cap}
 * bytes aside, and judges the response once the cap is reached, the body ends, or the caller
 * cancels (then on what it had read, which is all it saw). Buffers nothing but that prefix, so
 * a stream of server-sent events reaches the caller event by event. Demand and cancellation are
 * the caller's; a body that breaks off before judging counts as a transport error.
 */
final class TeeSubscriber<T> implements BodySubscriber<T> {
  private final Attempt<?> attempt;
  private final View view;
  private final BodySubscriber<T> caller;
  private final Prefix prefix;
  /** Set once, under this object's monitor; read without it once set. */
  private volatile boolean judged;

  TeeSubscriber(Attempt<?> attempt, View view, BodySubscriber<T> caller, int cap, long length) {
    this.attempt = attempt;
    this.view = view;
    this.caller = caller;
    this.prefix = new Prefix(cap, length);
  }

  @Override
  public CompletionStage<T> getBody() {
    return caller.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (prefix.full()) { // a cap of 0: the empty prefix is all the rules see
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
   * apart. Judging itself runs outside it, so listeners never run under it.
   */
  private void capture(List<ByteBuffer> item) {
    synchronized (this) {
      if (judged || !prefix.add(item)) {
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
    }
    attempt.settle(view.prefix(prefix));
  }
}
