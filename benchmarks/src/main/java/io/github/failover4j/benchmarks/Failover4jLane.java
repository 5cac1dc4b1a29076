package io.github.failover4j.benchmarks;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.FleetSync;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.core.WhenAllEjected;

/**
 * failover4j's request path: {@code pool.select()} then {@code handle.record(verdict)} with
 * verdicts built once, as an adapter does; optionally with a fleet attached, whose ejections
 * and restores then go to Redis off the request path.
 */
final class Failover4jLane implements Lane {
  private static final Verdict FAILURE = Verdict.failure("bench");

  private final TokenPool pool;

  /** A pool over {@code tokens}, attached to {@code fleet} unless it is {@code null}. */
  Failover4jLane(String[] tokens, ExecutorScheduler scheduler, FleetSync fleet) {
    FailoverConfig config = FailoverConfig.builder()
        .failureThreshold(FAILURE_THRESHOLD)
        // never evaluated here: the lane records verdicts directly
        .conditions(Condition.status(502, 503))
        .cooldown(COOLDOWN)
        // the slow path must not throw if, against the odds, all eight are out at once
        .whenAllEjected(WhenAllEjected.USE_ALL)
        .build();
    TokenPool.Builder b = TokenPool.builder("bench").tokens(tokens).config(config)
        .scheduler(scheduler);
    this.pool = (fleet == null ? b : b.fleet(fleet)).build();
  }

  @Override
  public Object call(boolean failed) {
    TokenHandle h = pool.select();
    h.record(failed ? FAILURE : Verdict.SUCCESS);
    return h;
  }

  @Override
  public String slowPathSummary() {
    long ejections = 0;
    long requests = 0;
    for (TokenSnapshot s : pool.snapshot()) {
      ejections += s.ejections();
      requests += s.requests();
    }
    return ejections + " ejections in " + requests + " requests";
  }

  @Override
  public void close() {
    pool.close();
  }
}
