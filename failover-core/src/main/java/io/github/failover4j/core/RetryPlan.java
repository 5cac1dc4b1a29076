package io.github.failover4j.core;

import java.time.Duration;

/**
 * The attempts of one request under a {@link RetryPolicy} (SPEC §5): the first token comes
 * from {@link TokenPool#select()}, each retry from the healthy tokens this request has not
 * tried yet. Not thread-safe: one request, one plan.
 *
 * <pre>{@code
 * RetryPlan plan = RetryPlan.of(pool);
 * for (TokenHandle token = plan.first(); token != null; token = plan.next()) {
 *   Response r = send(token);
 *   Verdict v = token.report(view(r));
 *   if (!plan.shouldRetry(v, r.status())) return r;   // the client sees this one
 * }
 * }</pre>
 */
public final class RetryPlan {
  private final TokenPool pool;
  private final RetryPolicy policy;
  private final Slot[] tried;
  private final long deadline;
  private int attempts;

  private RetryPlan(TokenPool pool, RetryPolicy policy) {
    this.pool = pool;
    this.policy = policy;
    this.tried = new Slot[policy == null ? 1 : policy.maxRetries() + 1];
    this.deadline = policy == null || policy.timeout() == null
        ? Long.MAX_VALUE : pool.ticker().nanoTime() + policy.timeout().toNanos();
  }

  /** A plan under the pool's retry policy; with none, a plan of a single attempt. */
  public static RetryPlan of(TokenPool pool) {
    return new RetryPlan(pool, pool.config().retry());
  }

  /**
   * The token for the first attempt.
   *
   * @throws NoHealthyTokenException as {@link TokenPool#select()} does
   */
  public TokenHandle first() {
    if (attempts != 0) {
      throw new IllegalStateException("first() was already called");
    }
    TokenHandle h = pool.select();
    tried[attempts++] = h.slot;
    return h;
  }

  /** Whether the attempt just made, judged {@code verdict} with {@code status}, calls for another. */
  public boolean shouldRetry(Verdict verdict, int status) {
    return policy != null
        && attempts < tried.length
        && policy.retries(verdict, status)
        && pool.ticker().nanoTime() - deadline < 0;
  }

  /**
   * Whether a {@link Outcome#FAILURE} with {@code status} would be retried now: the policy
   * retries it, attempts and time are left, and a healthy token is still untried. An adapter
   * asks this before reading a body, to know whether holding the body back until it is judged
   * can lead to a retry at all. Changes nothing.
   */
  public boolean mayRetryFailure(int status) {
    return canRetry()
        && (policy.retryOnStatus().isEmpty() || policy.retryOnStatus().contains(status));
  }

  /**
   * Whether another attempt may follow: retries, time and an untried healthy token are left.
   * A look-ahead: it does not move the round-robin cursor.
   */
  boolean canRetry() {
    return policy != null
        && attempts < tried.length
        && pool.ticker().nanoTime() - deadline < 0
        && untried(0) != null;
  }

  /**
   * A healthy token this request has not tried, or {@code null} when retries, untried tokens
   * or time have run out.
   */
  public TokenHandle next() {
    if (policy == null || attempts >= tried.length || pool.ticker().nanoTime() - deadline >= 0) {
      return null;
    }
    TokenHandle[] healthy = pool.healthyHandles();
    TokenHandle h = untried(healthy.length == 0 ? 0 : pool.nextCursor(healthy.length));
    if (h != null) {
      tried[attempts++] = h.slot;
    }
    return h;
  }

  /** The first healthy token from position {@code start} on that this request has not tried. */
  private TokenHandle untried(int start) {
    TokenHandle[] healthy = pool.healthyHandles();
    int n = healthy.length;
    for (int i = 0; i < n; i++) {
      TokenHandle h = healthy[(start + i) % n];
      if (!wasTried(h.slot)) {
        return h;
      }
    }
    return null;
  }

  /** Attempts made so far. */
  public int attempts() {
    return attempts;
  }

  /** Time left under the policy's overall timeout, or {@code null} when it has none. */
  public Duration remaining() {
    return deadline == Long.MAX_VALUE ? null
        : Duration.ofNanos(Math.max(0, deadline - pool.ticker().nanoTime()));
  }

  private boolean wasTried(Slot s) {
    for (int i = 0; i < attempts; i++) {
      if (tried[i] == s) {
        return true;
      }
    }
    return false;
  }
}
