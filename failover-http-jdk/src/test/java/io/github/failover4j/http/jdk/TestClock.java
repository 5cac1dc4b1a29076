package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.test.ManualClock;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine's time for tests: a {@link ManualClock} that also tells the test when the engine
 * scheduled its next probe. Probe answers arrive on the HTTP client's threads, and the engine
 * schedules the next probe after telling listeners; a test waits for that scheduling before it
 * moves time again, instead of sleeping.
 */
final class TestClock implements Ticker, Scheduler {
  /** Generous bound for waiting on another thread; a failsafe, never a timing assertion. */
  static final long WAIT_SECONDS = 20;

  final ManualClock clock = new ManualClock();
  private final long probePeriodNanos;
  private final BlockingQueue<Long> probesScheduled = new LinkedBlockingQueue<>();

  /** A clock that counts tasks scheduled at least {@code probePeriod} ahead as probes. */
  TestClock(Duration probePeriod) {
    this.probePeriodNanos = probePeriod.toNanos();
  }

  @Override
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Cancellable c = clock.schedule(task, delay, unit);
    if (unit.toNanos(delay) >= probePeriodNanos) {
      probesScheduled.add(unit.toNanos(delay));
    }
    return c;
  }

  /** Waits until the engine has scheduled one more probe. */
  void awaitProbeScheduled() throws InterruptedException {
    assertThat(probesScheduled.poll(WAIT_SECONDS, TimeUnit.SECONDS))
        .as("a probe was scheduled").isNotNull();
  }

  /** Moves time forward, running what falls due on this thread. */
  void advance(Duration step) {
    clock.advance(step);
  }
}
