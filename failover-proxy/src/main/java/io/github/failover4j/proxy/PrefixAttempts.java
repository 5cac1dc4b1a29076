package io.github.failover4j.proxy;

import io.github.failover4j.core.RetryPlan;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.netty.FailoverClientHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;

/**
 * The attempts of a request that no route takes: its path prefix's provider, a failure retried
 * on the provider's other keys under its {@code retryOnFailure} (SPEC §5). The upstream handler
 * records every verdict on the key, as it does without the proxy.
 */
final class PrefixAttempts implements Attempts {
  private final Route route;
  private final RequestBody body;
  private final RetryPlan plan;

  PrefixAttempts(Route route, RequestBody body) {
    this.route = route;
    this.body = body;
    this.plan = RetryPlan.of(route.pool());
  }

  @Override
  public Next first() {
    return Next.send(plan.first(), route, 0);
  }

  @Override
  public Duration remaining() {
    return plan.remaining();
  }

  @Override
  public boolean mayContinue(int status) {
    return plan.mayRetryFailure(status);
  }

  @Override
  public void bind(Channel upstream, TokenHandle token) {
    FailoverClientHandler.useToken(upstream, token);
  }

  @Override
  public void connectFailed(TokenHandle token) {
    token.record(Verdict.TRANSPORT_ERROR); // no response reaches the handler to record it
  }

  @Override
  public Next judged(Verdict verdict, HttpResponse head, int status) {
    return retry(verdict, status);
  }

  @Override
  public void late(Verdict verdict, HttpResponse head) {
    // the handler recorded it already
  }

  @Override
  public Next noAnswer(boolean timedOut, boolean budgetSpent) {
    if (budgetSpent) {
      return Next.FAILED;
    }
    Next n = retry(Verdict.TRANSPORT_ERROR, 0);
    return n.isSend() ? n : Next.FAILED;
  }

  private Next retry(Verdict verdict, int status) {
    if (body.replayable() && plan.shouldRetry(verdict, status)) {
      TokenHandle next = plan.next();
      if (next != null) {
        return Next.send(next, route, 0);
      }
    }
    return Next.DELIVER;
  }

  @Override
  public boolean waitsForVerdict() {
    return false; // its first bytes go out as they come: a stream is not held for its verdict
  }

  @Override
  public void committed(HttpResponse toClient) {
    // nothing to tell
  }

  @Override
  public void abandon() {
    // nothing deferred
  }
}
