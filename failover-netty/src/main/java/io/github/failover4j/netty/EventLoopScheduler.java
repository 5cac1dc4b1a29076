package io.github.failover4j.netty;

import io.github.failover4j.spi.Scheduler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The engine's timer on a Netty event loop (SPEC §4.6): probes and cooldowns run as
 * scheduled tasks of the loop, so a Netty host needs no extra thread.
 */
public final class EventLoopScheduler implements Scheduler {
  private static final Cancellable NOTHING = () -> { };

  private final EventExecutorGroup executor;

  /** Schedules on {@code executor}, e.g. an event loop or an event loop group. */
  public EventLoopScheduler(EventExecutorGroup executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Runs {@code task} on the event loop; a task refused by a loop that shuts down is dropped. */
  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      ScheduledFuture<?> f = executor.schedule(task, delay, unit);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return NOTHING;
    }
  }
}
