package io.github.failover4j.core;

import static io.github.failover4j.core.FallbackPlanTest.ok;
import static io.github.failover4j.core.FallbackPlanTest.rules;
import static io.github.failover4j.core.RouteFixture.A;
import static io.github.failover4j.core.RouteFixture.B;
import static io.github.failover4j.core.RouteFixture.C;
import static io.github.failover4j.core.RouteFixture.Z;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FallbackPlan.Decision;
import io.github.failover4j.core.FallbackPlan.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Back-off and Retry-After waits, computed on the manual clock, never past the budget. */
class FallbackWaitsTest {
  final RouteFixture f = new RouteFixture();

  static TestResponse limited(String retryAfter) {
    TestResponse r = TestResponse.status(429);
    return retryAfter == null ? r : r.header("Retry-After", retryAfter);
  }

  TokenPool openai(RetryPolicy retry) {
    // threshold 3: the waits are the subject here, not ejections
    return f.pool("openai", rules(retry).failureThreshold(3).build(), A, B, C);
  }

  @Test
  void retryAfterIsWaitedForExactlyUpToItsMaximum() {
    TokenPool openai = openai(RetryPolicy.builder(2).honorRetryAfter(Duration.ofSeconds(5))
        .build());
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");

    plan.next();
    f.clock.advance(Duration.ofMillis(700)); // the attempt took a while
    assertThat(plan.report(limited("3"))).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(3));
    f.clock.advance(Duration.ofMillis(1250));
    assertThat(plan.delay()).isEqualTo(Duration.ofMillis(1750));
    f.clock.advance(Duration.ofMillis(1750));
    assertThat(plan.delay()).isZero();
    assertThat(plan.next().isSend()).isTrue();
    assertThat(plan.report(limited("60"))).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(5)); // capped at honorRetryAfter
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(plan.next().isSend()).isTrue();
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
  }

  @Test
  void retryAfterAsAnHttpDateIsMeasuredFromTheResponsesDate() {
    TokenPool openai = openai(RetryPolicy.builder(2).honorRetryAfter(Duration.ofSeconds(5))
        .build());
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");
    plan.next();
    plan.report(limited("Tue, 01 Dec 2026 18:00:04 GMT")
        .header("Date", "Tue, 01 Dec 2026 18:00:00 GMT"));
    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void retryAfterIsIgnoredUnlessHonoured() {
    TokenPool openai = openai(RetryPolicy.of(2));
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");
    plan.next();
    assertThat(plan.report(limited("3"))).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isZero();
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    TokenPool openai = f.pool("openai", rules(RetryPolicy.builder(3)
        .backoff(Duration.ofMillis(200), Duration.ofMillis(500)).build()).failureThreshold(3)
        .build(), A, B, C, "sk-test-dddddddddddd4444");
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");

    plan.next();
    plan.report(limited(null));
    assertThat(plan.delay()).isEqualTo(Duration.ofMillis(200));
    f.clock.advance(plan.delay());
    plan.next();
    plan.report(limited(null));
    assertThat(plan.delay()).isEqualTo(Duration.ofMillis(400));
    f.clock.advance(plan.delay());
    plan.next();
    plan.report(limited(null));
    assertThat(plan.delay()).isEqualTo(Duration.ofMillis(500));
    f.clock.advance(plan.delay());
    plan.next();
    assertThat(plan.report(limited(null))).isEqualTo(Decision.DELIVER); // retries spent
    assertThat(plan.delay()).isZero();
    assertThat(plan.attempts()).isEqualTo(4);
  }

  @Test
  void backoffAndRetryAfterTakeTheLonger() {
    TokenPool openai = openai(RetryPolicy.builder(2)
        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(8))
        .honorRetryAfter(Duration.ofSeconds(5)).build());
    FallbackPlan plan = f.route(null, Target.of(openai)).plan("gpt-4o");
    plan.next();
    plan.report(limited("1"));
    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(2));
    f.clock.advance(plan.delay());
    plan.next();
    plan.report(limited("3"));
    assertThat(plan.delay()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void jitterTakesUpToHalfOfTheBackoff() {
    TokenPool openai = openai(RetryPolicy.builder(2)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
    FallbackRoute route = FallbackRoute.builder(f.outages).target(openai).build();
    for (int i = 0; i < 200; i++) {
      FallbackPlan plan = route.plan("gpt-4o");
      plan.next();
      plan.report(limited(null));
      assertThat(plan.delay()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      plan.next();
      plan.report(ok());
    }
  }

  @Test
  void aWaitThatWouldOutlastTheBudgetGoesToTheNextTargetInstead() {
    TokenPool openai = openai(RetryPolicy.builder(2).honorRetryAfter(Duration.ofSeconds(30))
        .build());
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(Duration.ofSeconds(10), Target.of(openai), Target.of(azure))
        .plan("gpt-4o");

    plan.next();
    f.clock.advance(Duration.ofSeconds(4));
    assertThat(plan.report(limited("6"))).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isZero(); // 4 s + 6 s would reach the 10 s budget
    Step next = plan.next();
    assertThat(next.target().pool()).isSameAs(azure);
    assertThat(plan.remaining()).isEqualTo(Duration.ofSeconds(6));
    assertThat(plan.report(ok())).isEqualTo(Decision.DELIVER);
  }

  @Test
  void aWaitThatWouldOutlastTheBudgetOnTheLastTargetEndsThePlan() {
    TokenPool openai = openai(RetryPolicy.builder(2).honorRetryAfter(Duration.ofSeconds(30))
        .build());
    FallbackPlan plan = f.route(Duration.ofSeconds(10), Target.of(openai)).plan("gpt-4o");
    plan.next();
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(plan.report(limited("9.5"))).isEqualTo(Decision.DELIVER);
    assertThat(plan.next().kind()).isEqualTo(Step.Kind.ANSWER_LAST);
  }

  @Test
  void theTargetsOwnRetryTimeoutBoundsItsWaitsToo() {
    TokenPool openai = openai(RetryPolicy.builder(2).timeout(Duration.ofSeconds(3))
        .honorRetryAfter(Duration.ofSeconds(30)).build());
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(null, Target.of(openai), Target.of(azure)).plan("gpt-4o");
    plan.next();
    assertThat(plan.report(limited("3"))).isEqualTo(Decision.NEXT);
    assertThat(plan.delay()).isZero();
    assertThat(plan.next().target().pool()).isSameAs(azure);
  }

  @Test
  void noAttemptStartsAfterTheBudget() {
    TokenPool openai = openai(RetryPolicy.of(2));
    TokenPool azure = f.pool("azure", rules(null).build(), Z);
    FallbackPlan plan = f.route(Duration.ofSeconds(10), Target.of(openai), Target.of(azure))
        .plan("gpt-4o");
    plan.next();
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(plan.remaining()).isZero();
    assertThat(plan.timedOut()).isEqualTo(Decision.DELIVER);
    assertThat(plan.next().kind()).isEqualTo(Step.Kind.FAILED);
    assertThat(azure.snapshot().get(0).requests()).isZero();
  }
}
