package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Ticker;
import java.time.Duration;
import java.util.List;

/**
 * The attempts of one request along a {@link FallbackRoute} (SPEC §9). A transport drives it:
 * {@link #next()} names the next attempt (target, token, model) or says how to answer the
 * client; the transport sends, reports the result ({@link #report(ResponseView)}, {@link
 * #timedOut()} or {@link #transportError()}), and, when the report says {@link Decision#NEXT},
 * waits {@link #delay()} on its own timer before calling {@link #next()} again. The plan never
 * sleeps and starts no timer; it reads time from the first target's pool's ticker.
 *
 * <p>The rules: an attempt goes to the first target that can serve; a failure is retried on
 * another token of the same target under that pool's {@link RetryPolicy} (with its back-off
 * and {@code Retry-After} waits); the plan moves to the next target when the target's retries
 * are spent, when it has no selectable token, when it is in outage (as long as a later target
 * can serve), after a timeout (a silent provider is not helped by another key), or at once on
 * a failure with {@link Action#FALLBACK}. A success or an {@link Action#IGNORE ignored} failure
 * goes to the client at once. Nothing is attempted or waited for past the route's budget, and
 * nothing after {@link #committed()}.
 *
 * <p>Outage and key charging: {@code count} failures are charged to their keys when the plan
 * leaves the target, not at once. If every key the request tried for the target failed (two
 * keys at least), none of those failures is charged, only totalled: the target enters outage
 * instead, since a model failing for every key says nothing about the keys, which other targets
 * may need. Otherwise (a key of the target answered, or only one key was tried) they are
 * charged as usual. {@code eject} and {@code cooldown} failures are about a key and are charged
 * at once. A plan dropped between a report and the end of its target leaves its deferred
 * failures uncharged; call {@link #abandon()} to settle them.
 *
 * <p>Not thread-safe: one request, one plan, driven by one thread at a time.
 */
public final class FallbackPlan {

  /** What to do with a reported result. */
  public enum Decision {
    /**
     * This is the answer: relay the response (a success, an ignored or final failure, or a
     * response after {@link #committed()}), or, after a timeout or transport error, answer
     * with an error of the transport's choice.
     */
    DELIVER,
    /**
     * Another attempt may follow: keep the response, wait {@link #delay()}, then call {@link
     * #next()}, which may still say to answer with it.
     */
    NEXT
  }

  /**
   * The next thing to do.
   *
   * @param kind what to do
   * @param target the target of a {@link Kind#SEND}, else {@code null}
   * @param token the token of a {@link Kind#SEND}, else {@code null}
   * @param model the model to ask for in a {@link Kind#SEND}: the target's, else the client's
   *     ({@code null} when neither is known)
   * @param retryAfter for {@link Kind#UNAVAILABLE}: the earliest time a token may return, when
   *     known; else {@code null}
   */
  public record Step(Kind kind, Target target, TokenHandle token, String model,
      Duration retryAfter) {

    /** What a step asks the transport to do. */
    public enum Kind {
      /** Send the request to {@code target} with {@code token}, asking for {@code model}. */
      SEND,
      /** Stop: answer the client with the last response reported (a failure). */
      ANSWER_LAST,
      /** Stop: the last attempt timed out or hit a transport error; answer with an error. */
      FAILED,
      /** Stop: nothing could be selected; answer {@code 503} with {@code retryAfter}. */
      UNAVAILABLE
    }

    /** Whether this step sends an attempt. */
    public boolean isSend() {
      return kind == Kind.SEND;
    }
  }

  private enum Last { NONE, RESPONSE, TRANSPORT }

  private final FallbackRoute route;
  private final String requested;
  private final List<Target> targets;
  private final Ticker ticker;
  private final long deadline;
  private final TargetState[] states;

  private int index = -1;
  private RetryPlan retry;
  private TokenHandle current;
  private boolean awaiting;
  private boolean retrySameTarget;
  private boolean finished;
  private boolean committed;
  private Last last = Last.NONE;
  private Verdict lastVerdict;
  private long readyAt;
  private long unavailableFor = Long.MAX_VALUE;
  private int attempts;

  private final TargetTurn turn = new TargetTurn();

  FallbackPlan(FallbackRoute route, String requestedModel) {
    this.route = route;
    this.requested = requestedModel;
    this.targets = route.targets();
    this.ticker = targets.get(0).pool().ticker();
    long now = ticker.nanoTime();
    this.deadline = route.budget() == null ? Long.MAX_VALUE : now + route.budget().toNanos();
    this.readyAt = now;
    this.states = new TargetState[targets.size()];
  }

  // ---------------------------------------------------------------- the transport's calls

  /**
   * The next step: an attempt to send, or how to answer the client. Call it first, and after
   * each report that said {@link Decision#NEXT} once {@link #delay()} has passed.
   *
   * @throws IllegalStateException when the last attempt was not reported yet
   */
  public Step next() {
    if (awaiting) {
      throw new IllegalStateException("report the attempt on " + current + " first");
    }
    if (finished || committed) {
      return stop();
    }
    if (retrySameTarget) {
      retrySameTarget = false;
      TokenHandle t = withinBudget() ? retry.next() : null;
      if (t != null) {
        return send(t);
      }
      leaveTarget();
    }
    while (++index < targets.size() && withinBudget()) {
      Target target = targets.get(index);
      TargetState st = find(index);
      if (st != null && st.inOutage() && laterCanServe(index) && !st.claimTrial()) {
        continue; // skipped: in outage, and a later target can take the request
      }
      RetryPlan plan = RetryPlan.of(target.pool());
      TokenHandle t;
      try {
        t = plan.first();
      } catch (NoHealthyTokenException e) {
        unavailableFor = Math.min(unavailableFor,
            e.retryAfter().map(Duration::toNanos).orElse(Long.MAX_VALUE));
        enter(index, "no token of pool " + target.pool().name() + " is selectable");
        continue;
      }
      retry = plan;
      return send(t);
    }
    finished = true;
    return stop();
  }

  /**
   * Judges the response of the last attempt with its pool's failure rules, records it on its
   * token under the plan's charging rule, and decides.
   */
  public Decision report(ResponseView response) {
    return report(current().pool().classify(response), response);
  }

  /**
   * Like {@link #report(ResponseView)} for a transport that judged the response itself (with
   * {@link TokenPool#classify}) and did not record it on the token: the plan records it.
   * {@code response} is read for its status and headers ({@code Retry-After}, a cooldown's
   * deadline), not its body.
   */
  public Decision report(Verdict verdict, ResponseView response) {
    TokenHandle token = current();
    awaiting = false;
    last = Last.RESPONSE;
    lastVerdict = verdict;
    TargetState st = find(index);
    switch (verdict.outcome()) {
      case SUCCESS, IGNORED -> {
        token.pool().recordJudged(token, verdict, response);
        turn.answered();
        if (verdict.outcome() == Outcome.SUCCESS && st != null) {
          st.end("a request to " + st.name + " succeeded");
        }
        return deliver();
      }
      case FAILURE -> {
        if (committed) {
          token.pool().recordJudged(token, verdict, response);
          return deliver();
        }
        if (verdict.action() == Action.FALLBACK) {
          token.pool().recordJudged(token, verdict, response); // not charged to the key
          turn.answered();
          return moveOn();
        }
        turn.failed(verdict.reason());
        if (verdict.action() == Action.COUNT) {
          turn.defer(token, verdict);
        } else {
          turn.recorded(token.pool().recordJudged(token, verdict, response));
        }
        return retryOrMoveOn(verdict, response.status(), retryAfterNanos(token, response));
      }
      default -> throw new IllegalArgumentException("a response verdict cannot be "
          + verdict.outcome() + "; call timedOut() or transportError()");
    }
  }

  /**
   * The last attempt got no answer in time: the plan moves to the next target at once, not to
   * another key of a silent provider. Nothing is charged to the token.
   */
  public Decision timedOut() {
    return noAnswer(true);
  }

  /**
   * The last attempt failed on the wire (refused, reset): retried on another token of the same
   * target when its policy retries transport errors, else the plan moves on. Nothing is charged
   * to the token.
   */
  public Decision transportError() {
    return noAnswer(false);
  }

  /**
   * Tells the plan that the first byte of the answer went to the client: no further attempt
   * will be made, whatever is reported afterwards.
   */
  public void committed() {
    committed = true;
    if (!finished) {
      turn.answered(); // the key answered; settle what was deferred
      leaveTarget();
      finished = true;
    }
  }

  /**
   * Ends the plan early (the client went away, the transport gave up): what was deferred for
   * the current target is settled by the usual rule, and no further attempt is made. An attempt
   * still in flight may be reported afterwards; it is recorded on its token only.
   */
  public void abandon() {
    if (!finished) {
      leaveTarget();
      finished = true;
    }
    committed = true;
  }

  /** How long to wait before calling {@link #next()}; zero when it may be called now. */
  public Duration delay() {
    return Duration.ofNanos(Math.max(0, readyAt - ticker.nanoTime()));
  }

  /**
   * Whether a failure reported now could still lead to another attempt: nothing was committed,
   * budget is left, and either the current target has an untried token or a later target
   * exists. A transport asks this before holding a response back for judging. Changes nothing.
   */
  public boolean mayContinue() {
    return !finished && !committed && withinBudget()
        && (index < targets.size() - 1 || (retry != null && retry.canRetry()));
  }

  /** The time left of the route's budget, or {@code null} when it has none. */
  public Duration remaining() {
    return deadline == Long.MAX_VALUE ? null
        : Duration.ofNanos(Math.max(0, deadline - ticker.nanoTime()));
  }

  /** Attempts handed out so far. */
  public int attempts() {
    return attempts;
  }

  /** The target of the latest attempt, or {@code null} before the first. */
  public Target target() {
    return index >= 0 && index < targets.size() && current != null ? targets.get(index) : null;
  }

  /** The verdict of the latest response reported, or {@code null} when none was. */
  public Verdict lastVerdict() {
    return lastVerdict;
  }

  // ---------------------------------------------------------------- decisions

  private Step send(TokenHandle t) {
    current = t;
    awaiting = true;
    attempts++;
    turn.attempted();
    Target target = targets.get(index);
    return new Step(Step.Kind.SEND, target, t, target.modelFor(requested), null);
  }

  private Step stop() {
    return switch (last) {
      case RESPONSE -> new Step(Step.Kind.ANSWER_LAST, null, null, null, null);
      case TRANSPORT -> new Step(Step.Kind.FAILED, null, null, null, null);
      case NONE -> new Step(Step.Kind.UNAVAILABLE, null, null, null,
          unavailableFor == Long.MAX_VALUE ? null : Duration.ofNanos(unavailableFor));
    };
  }

  private Decision noAnswer(boolean timeout) {
    TokenHandle token = current();
    awaiting = false;
    last = Last.TRANSPORT;
    token.record(Verdict.TRANSPORT_ERROR);
    turn.failed(timeout ? "timed out" : "transport error");
    if (committed) {
      return deliver();
    }
    return timeout ? moveOn() : retryOrMoveOn(Verdict.TRANSPORT_ERROR, 0, 0);
  }

  /**
   * After a failure: another token of this target after the wait its policy asks for, if it
   * fits in the budgets; else the next target.
   */
  private Decision retryOrMoveOn(Verdict verdict, int status, long retryAfterNanos) {
    RetryPolicy policy = targets.get(index).pool().config().retry();
    if (policy == null || !retry.shouldRetry(verdict, status) || !retry.canRetry()) {
      return moveOn();
    }
    long backoff = policy.backoffNanos(turn.tried());
    long wait = backoff <= 0 ? 0 : backoff - route.jitter.applyAsLong(backoff / 2 + 1);
    if (policy.honorRetryAfter() != null && retryAfterNanos > 0) {
      wait = Math.max(wait, Math.min(retryAfterNanos, policy.honorRetryAfter().toNanos()));
    }
    long now = ticker.nanoTime();
    Duration targetLeft = retry.remaining();
    if (wait > 0 && (now + wait - deadline >= 0
        || (targetLeft != null && wait >= targetLeft.toNanos()))) {
      return moveOn(); // the wait would use up the budget: try the next target now instead
    }
    readyAt = now + wait;
    retrySameTarget = true;
    return Decision.NEXT;
  }

  /** Leaves the current target; NEXT when a later target may take the request. */
  private Decision moveOn() {
    leaveTarget();
    readyAt = ticker.nanoTime();
    if (index >= targets.size() - 1 || !withinBudget()) {
      finished = true;
      return Decision.DELIVER;
    }
    return Decision.NEXT;
  }

  private Decision deliver() {
    leaveTarget();
    finished = true;
    return Decision.DELIVER;
  }

  /** Ends the current target's turn: charges or forgives its deferred failures (see above). */
  private void leaveTarget() {
    if (index >= 0 && index < targets.size()) {
      String outage = turn.settle(targets.get(index).pool());
      if (outage != null) {
        enter(index, outage);
      }
    }
  }

  private void enter(int i, String reason) {
    Target target = targets.get(i);
    TargetState st = route.outages().state(target.pool(), target.modelFor(requested));
    if (st != null) {
      states[i] = st;
      st.enter(reason);
    }
  }

  private TargetState find(int i) {
    TargetState st = states[i];
    if (st == null) {
      Target target = targets.get(i);
      st = route.outages().find(target.pool(), target.modelFor(requested));
      states[i] = st;
    }
    return st;
  }

  /** Whether a target after {@code i} is not in outage and has a token to give. */
  private boolean laterCanServe(int i) {
    for (int j = i + 1; j < targets.size(); j++) {
      TargetState st = find(j);
      TokenPool pool = targets.get(j).pool();
      if ((st == null || !st.inOutage()) && (pool.healthyHandles().length > 0
          || pool.config().whenAllEjected() != WhenAllEjected.FAIL)) {
        return true;
      }
    }
    return false;
  }

  private boolean withinBudget() {
    return ticker.nanoTime() - deadline < 0;
  }

  private TokenHandle current() {
    if (!awaiting && !(committed && current != null)) { // after a commit, late reports are fine
      throw new IllegalStateException(current == null ? "no attempt was made yet"
          : "the attempt on " + current + " was already reported");
    }
    return current;
  }

  /** A {@code Retry-After} of the response in nanoseconds; 0 when absent or unreadable. */
  private static long retryAfterNanos(TokenHandle token, ResponseView response) {
    String value = response.header("retry-after");
    return value == null ? 0
        : Math.max(0, RateLimits.waitNanos(value.trim(), response, token.pool().wallClock()));
  }
}
