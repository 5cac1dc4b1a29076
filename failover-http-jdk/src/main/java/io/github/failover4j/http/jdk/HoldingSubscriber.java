package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds back the start of a body until the response is judged on its decoded prefix, so that a
 * failure can still be retried on another token before the caller saw anything.
 *
 * <p>While holding, it asks for one chunk at a time and stops once the {@link BodyCapture} is
 * done or the body ends, so it never holds more than the cap plus one chunk; for a gzip or deflate body
 * (held as sent, inflated only in the prefix), no more than the prefix's {@linkplain
 * BodyCapture#inputLimit(int) input limit} plus one chunk. Then either the attempt is retried (the
 * rest of the body is dropped and {@link #getBody()} completes with {@code null}), or the
 * caller's subscriber is created and gets the held chunks first and then the rest of the body,
 * at its own pace: this object becomes its subscription, and every chunk goes through one
 * serialized drain loop, so the caller's subscriber sees the Reactive Streams order whatever
 * thread asks for more.
 */
final class HoldingSubscriber<T> implements BodySubscriber<T>, Flow.Subscription {
  private final Attempt<T> attempt;
  private final ResponseInfo info;
  private final View view;
  private final BodyCapture prefix;
  private final CompletableFuture<T> body = new CompletableFuture<>();
  /** Chunks received but not yet given to the caller: the held ones, then the rest. */
  private final Queue<List<ByteBuffer>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  /** Chunks the caller asked for and has not got. */
  private final AtomicLong demand = new AtomicLong();
  /** Held chunks not yet set against the caller's demand: they need no request upstream. */
  private final AtomicLong prefetched = new AtomicLong();
  private volatile Flow.Subscription upstream;
  private volatile BodySubscriber<T> caller;
  private volatile boolean done;
  private volatile Throwable error;
  private volatile boolean cancelled;
  /** Publisher-thread state: true until the verdict. */
  private boolean holding = true;
  /** Drain-loop state: whether the caller got its terminal signal. */
  private boolean terminated;

  HoldingSubscriber(Attempt<T> attempt, ResponseInfo info, View view, BodyCapture prefix) {
    this.attempt = attempt;
    this.info = info;
    this.view = view;
    this.prefix = prefix;
  }

  @Override
  public CompletionStage<T> getBody() {
    return body;
  }

  // ------------------------------------------------------------ from the JDK (upstream)

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    upstream = subscription;
    if (prefix.isDone()) {
      decide();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
    if (!holding) {
      drain();
    } else {
      prefetched.incrementAndGet();
      if (Captures.feed(prefix, item)) { // done: judge now, even if the body goes on
        decide();
      } else {
        upstream.request(1);
      }
    }
  }

  @Override
  public void onError(Throwable throwable) {
    if (holding) { // nothing reached the caller: the exchange records it and may retry
      holding = false;
      prefix.close();
      queue.clear();
      body.completeExceptionally(throwable);
    } else {
      error = throwable;
      done = true;
      drain();
    }
  }

  @Override
  public void onComplete() {
    done = true;
    if (holding) {
      decide();
    } else {
      drain();
    }
  }

  /** Judges the held prefix: drop the response for a retry, or hand it to the caller. */
  private void decide() {
    holding = false;
    prefix.close(); // nothing more is added: release the inflater before judging
    if (attempt.settleHeld(view.prefix(prefix))) {
      queue.clear();
      if (!done) {
        upstream.cancel();
      }
      body.complete(null);
      return;
    }
    BodySubscriber<T> c = attempt.handOver(info);
    caller = c;
    c.getBody().whenComplete((value, e) -> {
      if (e == null) {
        body.complete(value);
      } else {
        body.completeExceptionally(e);
      }
    });
    c.onSubscribe(this);
    drain();
  }

  // ------------------------------------------------------------ from the caller (downstream)

  @Override
  public void request(long n) {
    if (n <= 0) {
      error = new IllegalArgumentException("non-positive request: " + n); // Reactive Streams §3.9
      upstream.cancel();
      done = true;
      drain();
      return;
    }
    add(demand, n);
    long more = n - takePrefetched(n);
    if (more > 0 && !done) {
      upstream.request(more);
    }
    drain();
  }

  @Override
  public void cancel() {
    cancelled = true;
    if (!done) {
      upstream.cancel();
    }
    drain();
  }

  /** Delivers queued chunks while there is demand, then the end; one thread at a time. */
  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      BodySubscriber<T> c = caller;
      if (cancelled) {
        queue.clear();
      } else if (c != null) {
        long wanted = demand.get();
        long sent = 0;
        while (sent < wanted && !cancelled) {
          List<ByteBuffer> item = queue.poll();
          if (item == null) {
            break;
          }
          c.onNext(item);
          sent++;
        }
        if (sent > 0 && wanted != Long.MAX_VALUE) {
          demand.addAndGet(-sent);
        }
        if (done && !terminated && (queue.isEmpty() || error != null)) {
          terminated = true;
          queue.clear();
          Throwable e = error;
          if (e == null) {
            c.onComplete();
          } else {
            c.onError(e);
          }
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Takes up to {@code n} held chunks as already fetched; returns how many it took. */
  private long takePrefetched(long n) {
    while (true) {
      long p = prefetched.get();
      long take = Math.min(p, n);
      if (take == 0 || prefetched.compareAndSet(p, p - take)) {
        return take;
      }
    }
  }

  /** Adds {@code n} to {@code counter}, saturating at {@link Long#MAX_VALUE}. */
  private static void add(AtomicLong counter, long n) {
    counter.accumulateAndGet(n, (a, b) -> {
      long sum = a + b;
      return sum < 0 ? Long.MAX_VALUE : sum;
    });
  }
}
