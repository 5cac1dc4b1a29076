package io.github.failover4j.proxy;

import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The timer of one exchange: watches one {@link Kind} of wait at a time (connecting, waiting
 * for the head, for the first body byte, silence inside a body) and the request's overall
 * budget, on the proxy's {@link Scheduler} and {@link Ticker} (so tests drive it with a manual
 * clock). Used on the exchange's event loop only.
 *
 * <p>Cheap on the hot path: {@link #activity()} only reads the ticker; a pending timer that
 * fires before the deadline that moved later reschedules itself for the rest, as Netty's idle
 * handler does. At most one task is pending.
 */
final class Watchdog {
  /** What is being waited for. */
  enum Kind { CONNECT, RESPONSE, FIRST_BYTE, IDLE, BUDGET }

  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Executor loop;
  private final Consumer<Kind> expired;

  private Kind kind;
  private long limit;
  private long since;
  private long budgetDeadline = Long.MAX_VALUE;
  private boolean hasBudget;
  private Scheduler.Cancellable task;
  private long taskDue;
  private int generation;

  /** @param expired told, on {@code loop}, which wait ran out; the watchdog is then stopped */
  Watchdog(Scheduler scheduler, Ticker ticker, Executor loop, Consumer<Kind> expired) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.loop = loop;
    this.expired = expired;
  }

  /** Sets the overall budget left, or none ({@code null}). */
  void budget(Duration left) {
    hasBudget = left != null;
    budgetDeadline = left == null ? Long.MAX_VALUE : ticker.nanoTime() + left.toNanos();
  }

  /** Stops watching the budget (nothing can be retried any more). */
  void noBudget() {
    hasBudget = false;
  }

  /** Watches {@code kind} for {@code max}, from now; {@code null}: no limit for this wait. */
  void watch(Kind kind, Duration max) {
    this.kind = max == null ? null : kind;
    this.limit = max == null ? 0 : max.toNanos();
    this.since = ticker.nanoTime();
    schedule();
  }

  /** Something arrived: an {@link Kind#IDLE} wait starts over. */
  void activity() {
    since = ticker.nanoTime();
  }

  /** Stops watching; a pending task is cancelled. */
  void stop() {
    kind = null;
    hasBudget = false;
    generation++;
    if (task != null) {
      task.cancel();
      task = null;
    }
  }

  private long due() {
    long due = hasBudget ? budgetDeadline : Long.MAX_VALUE;
    if (kind != null && since + limit - due < 0) {
      due = since + limit;
    }
    return due;
  }

  private void schedule() {
    long due = due();
    if (due == Long.MAX_VALUE) {
      return; // a pending task finds nothing to do and is not renewed
    }
    if (task != null && taskDue - due <= 0) {
      return; // fires early enough; it reschedules for what is left
    }
    if (task != null) {
      task.cancel();
    }
    int gen = ++generation;
    taskDue = due;
    task = scheduler.schedule(() -> loop.execute(() -> fire(gen)),
        Math.max(0, due - ticker.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void fire(int gen) {
    if (gen != generation) {
      return;
    }
    task = null;
    long now = ticker.nanoTime();
    Kind ran = null;
    if (hasBudget && now - budgetDeadline >= 0) {
      ran = Kind.BUDGET;
    } else if (kind != null && now - (since + limit) >= 0) {
      ran = kind;
    }
    if (ran == null) {
      schedule();
      return;
    }
    stop();
    expired.accept(ran);
  }
}
