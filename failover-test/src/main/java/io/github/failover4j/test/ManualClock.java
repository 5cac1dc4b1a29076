package io.github.failover4j.test;

import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Ticker} and {@link Scheduler} whose time moves only when a test says so, for
 * deterministic tests of the engine and of adapters. Scheduled tasks run on the thread that
 * calls {@link #advance(Duration)}, in time order (ties in scheduling order), including tasks
 * that due tasks schedule within the advanced window.
 *
 * <p>Thread-safe: it may be scheduled on and advanced from any thread, and its time never goes
 * back. It uses a lock, which is fine for a test clock and is never on a production request
 * path.
 */
public final class ManualClock implements Ticker, Scheduler {

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** A clock that reads 0 ns. */
  public ManualClock() {}

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    long at = now + Math.max(0, unit.toNanos(delay));
    Task t = new Task(at, sequence++, task);
    queue.add(t);
    return () -> {
      synchronized (ManualClock.this) {
        queue.remove(t);
      }
    };
  }

  /**
   * Moves time forward by {@code step}, running every task that falls due on the way at its
   * due time.
   */
  public void advance(Duration step) {
    long target;
    synchronized (this) {
      target = now + step.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at > target) {
          now = Math.max(now, target); // another thread may have advanced further meanwhile
          return;
        }
        queue.poll();
        now = Math.max(now, next.at);
      }
      next.task.run();
    }
  }

  /** Runs every task due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks are waiting. */
  public synchronized int pendingTasks() {
    return queue.size();
  }

  /** The due times of the waiting tasks, in nanoseconds on this clock, earliest first. */
  public synchronized List<Long> pendingDueTimes() {
    List<Task> tasks = new ArrayList<>(queue);
    tasks.sort(null);
    List<Long> times = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      times.add(t.at);
    }
    return times;
  }

  private record Task(long at, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
