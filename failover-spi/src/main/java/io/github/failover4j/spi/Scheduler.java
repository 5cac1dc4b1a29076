package io.github.failover4j.spi;

import java.util.concurrent.TimeUnit;

/**
 * The host's timer. The engine never starts a thread or sleeps: it asks the host to run a
 * task later (a Netty event loop, a scheduled executor, or a manual clock in tests).
 * Tasks are short and never block.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @return a handle that cancels the task if it has not started yet
   */
  Cancellable schedule(Runnable task, long delay, TimeUnit unit);

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run yet; harmless when it has. */
    void cancel();
  }
}
