package io.github.failover4j.core;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential ejection back-off with decay, after Envoy's outlier detection. */
final class Backoff {
  private Backoff() {}

  /**
   * The back-off level of an ejection at {@code now}: one more than the previous level, less
   * one for each full {@code maxEjectionTime} the token stayed healthy since its restore.
   */
  static int level(Slot s, EjectionPolicy policy, long now) {
    int previous = s.backoffLevel;
    if (previous > 0 && s.restoredAt != Slot.NONE) {
      long healthyFor = now - s.restoredAt;
      long steps = healthyFor / policy.maxEjectionTime().toNanos();
      previous = (int) Math.max(0, previous - steps);
    }
    return Math.min(previous + 1, 62);
  }

  /** {@code base × 2^(level-1)} with up to 10% jitter, capped at {@code maxEjectionTime}. */
  static long outFor(EjectionPolicy policy, int level) {
    long base = policy.baseEjectionTime().toNanos();
    long cap = policy.maxEjectionTime().toNanos();
    long plain = level - 1 >= Long.numberOfLeadingZeros(base) - 1 ? cap
        : Math.min(cap, base << (level - 1));
    long jitter = ThreadLocalRandom.current().nextLong(plain / 10 + 1);
    return Math.min(cap, plain + jitter);
  }
}
