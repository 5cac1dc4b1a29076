package io.github.failover4j.http.jdk;

import io.github.failover4j.spi.Scheduler;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JDK transport's timer: one daemon thread (so it never keeps a JVM alive) running the
 * engine's short tasks. Cancelled tasks leave the queue at once, since an ejected token's
 * probe timers are cancelled often. After {@link #close()} new tasks are dropped: the pools
 * using a closed transport are being shut down too.
 */
final class JdkScheduler implements Scheduler, AutoCloseable {
  /** The name of the scheduler's thread. */
  static final String THREAD_NAME = "failover4j-jdk-scheduler";

  private static final System.Logger LOG = System.getLogger(JdkTransport.class.getName());
  private static final Cancellable NOTHING = () -> { };

  private final ScheduledThreadPoolExecutor executor;

  JdkScheduler() {
    executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, THREAD_NAME);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      ScheduledFuture<?> f = executor.schedule(() -> run(task), delay, unit);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException closed) {
      return NOTHING;
    }
  }

  /** Runs a task, logging what it throws: the executor would otherwise keep it silently. */
  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a scheduled failover4j task threw; ignored", e);
    }
  }

  /** Tasks waiting to run; cancelled ones leave at once. For tests. */
  int pendingTasks() {
    return executor.getQueue().size();
  }

  /** Waits up to {@code seconds} for the thread to end after {@link #close()}. For tests. */
  boolean awaitTermination(long seconds) throws InterruptedException {
    return executor.awaitTermination(seconds, TimeUnit.SECONDS);
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return executor.isShutdown();
  }

  /** Stops the thread and drops every pending task; idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
