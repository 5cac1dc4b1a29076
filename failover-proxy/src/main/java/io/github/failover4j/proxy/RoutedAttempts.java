package io.github.failover4j.proxy;

import io.github.failover4j.core.FallbackPlan;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.netty.FailoverClientHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;

/**
 * The attempts of a request that a route takes (SPEC §9): the route's {@link FallbackPlan}
 * says which target and key each attempt goes to, how long to wait first, and when to stop.
 * Each attempt goes to the target's provider with the request's own API path and, when the
 * target names another model, the body's {@code model} rewritten. The plan records every
 * verdict (the upstream handler only judges), so a key is charged once, and not at all for a
 * model's outage.
 */
final class RoutedAttempts implements Attempts {
  private final Routing routing;
  private final ModelField modelField;
  private final RequestBody body;
  private final FallbackPlan plan;

  RoutedAttempts(Routing routing, Routing.ModelRoute taking, ModelField modelField,
      RequestBody body) {
    this.routing = routing;
    this.modelField = modelField;
    this.body = body;
    this.plan = taking.fallback().plan(modelField.model());
  }

  @Override
  public Next first() {
    return step(plan.next());
  }

  /** The plan's step as the exchange's next move; the body set for the target's model. */
  private Next step(FallbackPlan.Step s) {
    return switch (s.kind()) {
      case SEND -> {
        String model = s.model();
        body.substitute(model == null || model.equals(modelField.model()) ? null
            : Unpooled.wrappedBuffer(modelField.rewrite(body.copy(), model)));
        Route to = routing.provider(s.target().pool().name()); // same routing: always there
        yield Next.send(s.token(), to, plan.delay().toNanos());
      }
      case ANSWER_LAST -> Next.DELIVER;
      case FAILED -> Next.FAILED;
      case UNAVAILABLE -> Next.answer(ProxyJson.noTarget(modelField.model(), s.retryAfter()));
    };
  }

  @Override
  public Duration remaining() {
    return plan.remaining();
  }

  @Override
  public boolean mayContinue(int status) {
    return plan.mayContinue();
  }

  @Override
  public void bind(Channel upstream, TokenHandle token) {
    FailoverClientHandler.useTokenJudgingOnly(upstream, token); // the plan records verdicts
  }

  @Override
  public void connectFailed(TokenHandle token) {
    // reported to the plan by noAnswer, which records it
  }

  @Override
  public Next judged(Verdict verdict, HttpResponse head, int status) {
    Next next = moveOn(plan.report(verdict, new HeadView(head)));
    return next != null ? next : Next.DELIVER; // the answer, or the last of every failure
  }

  @Override
  public void late(Verdict verdict, HttpResponse head) {
    plan.report(verdict, new HeadView(head));
  }

  @Override
  public Next noAnswer(boolean timedOut, boolean budgetSpent) {
    // a timeout moves to the next target: another key of a silent provider does not help
    Next next = moveOn(timedOut ? plan.timedOut() : plan.transportError());
    return next != null ? next : Next.FAILED;
  }

  /** The next attempt when the plan's decision lets one follow; {@code null} when none does. */
  private Next moveOn(FallbackPlan.Decision d) {
    if (d == FallbackPlan.Decision.NEXT) {
      FallbackPlan.Step s = plan.next();
      if (s.isSend()) {
        return step(s);
      }
    }
    return null;
  }

  @Override
  public boolean waitsForVerdict() {
    return true; // a first event that fails the rules still moves on
  }

  @Override
  public void committed(HttpResponse toClient) {
    plan.committed(); // the first byte goes to the client: no fallback from here on
    toClient.headers().set("x-failover-target", plan.target().name(modelField.model()));
    toClient.headers().set("x-failover-attempts", plan.attempts());
  }

  @Override
  public void abandon() {
    plan.abandon();
  }
}
