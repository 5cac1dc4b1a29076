package io.github.failover4j.benchmarks;

import io.github.failover4j.core.FleetSync;
import java.time.Duration;

/**
 * One implementation of the request path under test: pick a token from a pool, then record
 * what its response said. Every lane ejects a token after {@link #FAILURE_THRESHOLD}
 * consecutive failures and brings it back after {@link #COOLDOWN} without a probe, so they do
 * the same work.
 */
interface Lane extends AutoCloseable {
  /** Consecutive failures that take a token out. */
  int FAILURE_THRESHOLD = 3;

  /** How long an ejected token stays out. */
  Duration COOLDOWN = Duration.ofMillis(1);

  /**
   * Selects a token and records the outcome of one request made with it.
   *
   * @return the token picked, for the benchmark to consume
   */
  Object call(boolean failed);

  /** What the lane saw of the slow path during the run, for the log; read after the run. */
  String slowPathSummary();

  @Override
  void close();

  /**
   * The lane named by the benchmark's {@code impl} parameter, over {@code tokens}; {@code
   * fleet} is attached to the {@code failover4j-fleet} lane's pool.
   */
  static Lane create(String impl, String[] tokens, ExecutorScheduler scheduler,
      FleetSync fleet) {
    return switch (impl) {
      case "failover4j" -> new Failover4jLane(tokens, scheduler, null);
      case "failover4j-fleet" -> new Failover4jLane(tokens, scheduler, fleet);
      case "resilience4j" -> new Resilience4jLane(tokens, false);
      case "resilience4j-lockfree" -> new Resilience4jLane(tokens, true);
      case "synchronized" -> new SynchronizedLane(tokens, scheduler);
      default -> throw new IllegalArgumentException("no lane named " + impl);
    };
  }
}
