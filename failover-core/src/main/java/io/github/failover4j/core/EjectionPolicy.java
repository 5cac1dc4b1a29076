package io.github.failover4j.core;

import java.time.Duration;

/**
 * How long ejections last and how many may happen at once (SPEC §6, after Envoy's outlier
 * detection).
 *
 * <p>Back-off: with a {@code baseEjectionTime}, the n-th ejection in a row keeps a token out
 * for {@code baseEjectionTime × 2^(n-1)} (up to 10% jitter), never more than {@code
 * maxEjectionTime}; probes start only after that. Each full {@code maxEjectionTime} a token
 * then stays healthy takes one step off n, so a key that flaps straight back into failure
 * stays out longer and longer, while one that recovered for good starts afresh.
 *
 * <p>Limit: {@code count}-action ejections stop once {@code maxEjectionPercent} of the pool
 * is out (at least one token may always be ejected). When the whole pool fails at once it is
 * the provider, not the keys; listeners then hear one {@code EJECTION_LIMITED} event.
 *
 * @param baseEjectionTime the first ejection's minimum length, or {@code null} for no back-off
 * @param maxEjectionTime the cap of the back-off; required with {@code baseEjectionTime}
 * @param maxEjectionPercent the share of the pool that {@code count} ejections may take out,
 *     1–100
 */
public record EjectionPolicy(
    Duration baseEjectionTime, Duration maxEjectionTime, int maxEjectionPercent) {

  /** No back-off, no limit: the seed's behaviour. */
  public static final EjectionPolicy DEFAULT = new EjectionPolicy(null, null, 100);

  /**
   * The policy that comes with {@link FailureRules#RECOMMENDED}: at most half the pool out on
   * counted failures (when more fail together it is the provider, not the keys), and a key
   * that fails again right after it came back stays out 30 s, then 1 min, 2 min, ... at most
   * 10 min (without a health check, that back-off is also what brings it back).
   */
  public static final EjectionPolicy RECOMMENDED =
      new EjectionPolicy(Duration.ofSeconds(30), Duration.ofMinutes(10), 50);

  /** Checks the values. */
  public EjectionPolicy {
    if (maxEjectionPercent < 1 || maxEjectionPercent > 100) {
      throw new IllegalArgumentException("maxEjectionPercent: " + maxEjectionPercent
          + " is not between 1 and 100");
    }
    if (baseEjectionTime != null) {
      HealthCheck.requirePositive(baseEjectionTime, "baseEjectionTime");
      if (maxEjectionTime == null) {
        maxEjectionTime = baseEjectionTime.multipliedBy(10);
      }
      HealthCheck.requirePositive(maxEjectionTime, "maxEjectionTime");
      if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
        throw new IllegalArgumentException("maxEjectionTime: " + maxEjectionTime
            + " is shorter than baseEjectionTime " + baseEjectionTime);
      }
    } else if (maxEjectionTime != null) {
      throw new IllegalArgumentException("maxEjectionTime: given without baseEjectionTime");
    }
  }

  /** Whether ejections back off. */
  public boolean backsOff() {
    return baseEjectionTime != null;
  }

  /** The most tokens of a pool of {@code size} that {@code count} ejections may take out. */
  public int limit(int size) {
    return Math.max(1, size * maxEjectionPercent / 100);
  }
}
