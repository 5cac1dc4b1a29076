package io.github.failover4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.Scheduler.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void runsDueTasksInTimeOrderAtTheirDueTime() {
    ManualClock clock = new ManualClock();
    List<String> ran = new ArrayList<>();
    clock.schedule(() -> ran.add("b@" + clock.nanoTime()), 2, TimeUnit.SECONDS);
    clock.schedule(() -> ran.add("a@" + clock.nanoTime()), 1, TimeUnit.SECONDS);
    clock.schedule(() -> ran.add("c"), 5, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(ran).containsExactly("a@1000000000", "b@2000000000");
    assertThat(clock.nanoTime()).isEqualTo(3_000_000_000L);
    assertThat(clock.pendingDueTimes()).containsExactly(5_000_000_000L);
  }

  @Test
  void tasksScheduledByTasksRunWithinTheSameAdvance() {
    ManualClock clock = new ManualClock();
    List<Long> ran = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      ran.add(clock.nanoTime());
      clock.schedule(tick[0], 1, TimeUnit.SECONDS);
    };
    clock.schedule(tick[0], 1, TimeUnit.SECONDS);
    clock.advance(Duration.ofMillis(3500));
    assertThat(ran).containsExactly(1_000_000_000L, 2_000_000_000L, 3_000_000_000L);
  }

  @Test
  void cancelledTasksNeverRun() {
    ManualClock clock = new ManualClock();
    List<String> ran = new ArrayList<>();
    Cancellable c = clock.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);
    c.cancel();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void timeNeverGoesBackWhenThreadsAdvanceTogether() throws Exception {
    ManualClock clock = new ManualClock();
    clock.advance(Duration.ofSeconds(10));
    long target;
    // a slow advancer that computed its target before a fast one moved on
    Thread fast = new Thread(() -> clock.advance(Duration.ofSeconds(100)));
    clock.schedule(() -> {
      fast.start();
      try {
        fast.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, 1, TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(2)); // its target, 12 s, is long past when it returns
    target = clock.nanoTime();
    assertThat(target).isEqualTo(111_000_000_000L);
  }
}
