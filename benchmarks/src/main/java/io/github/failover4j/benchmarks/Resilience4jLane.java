package io.github.failover4j.benchmarks;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a gateway author would build instead: one Resilience4j {@link CircuitBreaker} per token
 * and round-robin over the breakers that admit a call, with an {@link AtomicInteger} cursor.
 *
 * <p>A count-based window of 3 calls that opens at a 100% failure rate opens exactly after 3
 * consecutive failures, like failover4j's {@code failureThreshold: 3}. After the cooldown
 * ({@code waitDurationInOpenState}) the breaker turns half-open on the next {@code
 * tryAcquirePermission()} and one successful call closes it: the closest Resilience4j has to a
 * cooldown restore. Selection asks {@code tryAcquirePermission()} (true when CLOSED, and for
 * the half-open trial call), as Resilience4j requires before {@code onSuccess}/{@code onError}.
 * Durations are recorded as 0 so the lane reads no clock that failover4j does not read.
 */
final class Resilience4jLane implements Lane {
  /** What the failed calls "threw"; built once, no stack trace. */
  private static final RuntimeException FAILURE = new BenchFailure();

  private final CircuitBreaker[] breakers;
  private final int mask;
  private final AtomicInteger cursor = new AtomicInteger();
  /** Selections that found a breaker refusing calls; written only on that slow path. */
  private int skipped;

  Resilience4jLane(String[] tokens, boolean lockFree) {
    if (Integer.bitCount(tokens.length) != 1) {
      // the baselines wrap their cursor with a mask rather than a division, as failover4j does
      throw new IllegalArgumentException("the baselines need a power-of-two pool size");
    }
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .slidingWindowType(SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(FAILURE_THRESHOLD)
        .minimumNumberOfCalls(FAILURE_THRESHOLD)
        .failureRateThreshold(100)
        .waitDurationInOpenState(COOLDOWN)
        .permittedNumberOfCallsInHalfOpenState(1)
        .slidingWindowSynchronizationStrategy(lockFree
            ? SlidingWindowSynchronizationStrategy.LOCK_FREE
            : SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
        .build();
    breakers = new CircuitBreaker[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      breakers[i] = CircuitBreaker.of("token-" + i, config);
    }
    mask = tokens.length - 1;
  }

  @Override
  public Object call(boolean failed) {
    CircuitBreaker cb = select();
    if (failed) {
      cb.onError(0, TimeUnit.NANOSECONDS, FAILURE);
    } else {
      cb.onSuccess(0, TimeUnit.NANOSECONDS);
    }
    return cb;
  }

  private CircuitBreaker select() {
    int start = cursor.getAndIncrement();
    CircuitBreaker first = breakers[start & mask];
    if (first.tryAcquirePermission()) {
      return first;
    }
    skipped++;
    for (int k = 1; k < breakers.length; k++) {
      CircuitBreaker cb = breakers[(start + k) & mask];
      if (cb.tryAcquirePermission()) {
        return cb;
      }
    }
    return first; // all open: use it anyway, like failover4j's USE_ALL
  }

  @Override
  public String slowPathSummary() {
    return skipped + " selections skipped a breaker that refused calls (racy count)";
  }

  @Override
  public void close() {}

  /** A failure without a stack trace. */
  private static final class BenchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchFailure() {
      super("bench", null, false, false);
    }
  }
}
