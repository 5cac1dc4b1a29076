package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Transports;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import io.github.failover4j.spi.Transport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code jdk} transport: discovery on the class path, its scheduler thread, its clock. */
class JdkTransportTest {

  @Test
  void isFoundByNameOnTheClassPath() {
    assertThat(Transports.available()).contains("jdk");
    try (Transport t = Transports.open("jdk")) {
      assertThat(t).isInstanceOf(JdkTransport.class);
      assertThat(t.ticker()).isSameAs(Ticker.SYSTEM);
      assertThat(t.prober()).isInstanceOf(JdkProber.class);
    }
    try (Transport t = Transports.open("JDK")) {
      assertThat(t).isInstanceOf(JdkTransport.class);
    }
  }

  @Test
  void runsTasksOnOneNamedDaemonThread() throws Exception {
    try (JdkTransport t = JdkTransport.create()) {
      CompletableFuture<Thread> first = new CompletableFuture<>();
      CompletableFuture<Thread> second = new CompletableFuture<>();
      t.scheduler().schedule(() -> first.complete(Thread.currentThread()), 0,
          TimeUnit.MILLISECONDS);
      t.scheduler().schedule(() -> second.complete(Thread.currentThread()), 1,
          TimeUnit.MILLISECONDS);
      Thread thread = first.get(TestClock.WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(thread.getName()).isEqualTo("failover4j-jdk-scheduler");
      assertThat(thread.isDaemon()).isTrue();
      assertThat(second.get(TestClock.WAIT_SECONDS, TimeUnit.SECONDS)).isSameAs(thread);
    }
  }

  @Test
  void aCancelledTaskLeavesTheQueueAndNeverRuns() throws Exception {
    JdkScheduler scheduler = new JdkScheduler();
    try {
      CountDownLatch ran = new CountDownLatch(1);
      Scheduler.Cancellable c = scheduler.schedule(ran::countDown, 1, TimeUnit.HOURS);
      assertThat(scheduler.pendingTasks()).isEqualTo(1);
      c.cancel();
      assertThat(scheduler.pendingTasks()).isZero();
      c.cancel(); // harmless twice
    } finally {
      scheduler.close();
    }
  }

  @Test
  void aThrowingTaskDoesNotStopTheScheduler() throws Exception {
    try (JdkTransport t = JdkTransport.create()) {
      CountDownLatch after = new CountDownLatch(1);
      t.scheduler().schedule(() -> {
        throw new IllegalStateException("boom");
      }, 0, TimeUnit.MILLISECONDS);
      t.scheduler().schedule(after::countDown, 0, TimeUnit.MILLISECONDS);
      assertThat(after.await(TestClock.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void closeStopsTheThreadAndDropsLaterTasks() throws Exception {
    JdkTransport t = JdkTransport.create();
    CountDownLatch ran = new CountDownLatch(1);
    t.scheduler().schedule(ran::countDown, 1, TimeUnit.HOURS);
    t.close();
    t.close(); // idempotent
    assertThat(t).hasToString("JdkTransport[closed]");
    JdkScheduler scheduler = (JdkScheduler) t.scheduler();
    assertThat(scheduler.awaitTermination(TestClock.WAIT_SECONDS)).isTrue();
    Scheduler.Cancellable late = t.scheduler().schedule(ran::countDown, 0, TimeUnit.SECONDS);
    late.cancel();
    assertThat(ran.getCount()).isEqualTo(1);
  }
}
