package io.github.failover4j.benchmarks;

import io.github.failover4j.spi.Scheduler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The host timer of the benchmarks: one daemon thread, the way the JDK adapter runs cooldowns.
 * Idle unless a token is ejected, so it takes no CPU from the measured threads.
 */
final class ExecutorScheduler implements Scheduler, AutoCloseable {
  private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "bench-scheduler");
    t.setDaemon(true);
    return t;
  });

  ExecutorScheduler() {
    executor.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    ScheduledFuture<?> f = executor.schedule(task, delay, unit);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
