package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.spi.ResponseView;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a probe's response body until its decoded {@link BodyCapture} is done (the cap, or the end
 * of a gzip or deflate stream, or an encoding it cannot decode), then stops reading (cancels) so
 * a long or endless answer costs no more than that; completes with a {@link View} whose body is
 * the decoded prefix. The prefix's inflater is released however the read ends.
 */
final class ProbeBody implements BodySubscriber<ResponseView> {
  private final View view;
  private final BodyCapture prefix;
  private final CompletableFuture<ResponseView> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  ProbeBody(View view, BodyCapture prefix) {
    this.view = view;
    this.prefix = prefix;
  }

  @Override
  public CompletionStage<ResponseView> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (prefix.isDone()) {
      finish(true);
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (Captures.feed(prefix, item)) {
      finish(true);
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    prefix.close();
    body.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    finish(false);
  }

  private void finish(boolean cancel) {
    prefix.close();
    if (cancel) {
      subscription.cancel();
    }
    body.complete(view.prefix(prefix));
  }
}
