package io.github.failover4j.http.jdk;

import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Drops the body of a response that is retried on another token. Its body completes with
 * {@code null} at once, so the retry does not wait for the body. A short body of known length
 * is read to its end, which keeps an HTTP/1.1 connection reusable; any other (long, unknown
 * length, a stream) is cancelled, which closes the connection rather than reading on.
 */
final class Discard<T> implements BodySubscriber<T> {
  /** Bodies up to this length are drained rather than cancelled. */
  static final long DRAIN_LIMIT = 64 * 1024;

  private final boolean drain;
  private final CompletableFuture<T> body = new CompletableFuture<>();

  private Discard(boolean drain) {
    this.drain = drain;
  }

  /** A subscriber that drops the body of the response {@code info} describes. */
  static <T> Discard<T> of(ResponseInfo info) {
    long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    return new Discard<>(length >= 0 && length <= DRAIN_LIMIT);
  }

  @Override
  public CompletionStage<T> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (drain) {
      subscription.request(Long.MAX_VALUE);
    } else {
      subscription.cancel();
    }
    body.complete(null);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    // dropped
  }

  @Override
  public void onError(Throwable throwable) {
    body.complete(null); // no-op when already complete: the retry goes ahead regardless
  }

  @Override
  public void onComplete() {
    body.complete(null);
  }
}
