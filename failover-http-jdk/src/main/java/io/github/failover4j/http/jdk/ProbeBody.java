package io.github.failover4j.http.jdk;

import io.github.failover4j.spi.ResponseView;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a probe's response body up to a cap, then stops reading (cancels) so a long or endless
 * answer costs no more than the cap; completes with a {@link View} whose body is what was read.
 */
final class ProbeBody implements BodySubscriber<ResponseView> {
  private final View view;
  private final Prefix prefix;
  private final CompletableFuture<ResponseView> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  ProbeBody(View view, int cap) {
    this.view = view;
    this.prefix = new Prefix(cap);
  }

  @Override
  public CompletionStage<ResponseView> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (prefix.full()) {
      finish(true);
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (prefix.add(item)) {
      finish(true);
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    body.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    finish(false);
  }

  private void finish(boolean cancel) {
    if (cancel) {
      subscription.cancel();
    }
    body.complete(view.prefix(prefix));
  }
}
