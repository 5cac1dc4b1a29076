package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.testing.ManualClock;
import io.github.failover4j.proxy.Watchdog.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exchange's timer on a manual clock; its executor runs tasks at once. */
class WatchdogTest {
  final ManualClock clock = new ManualClock();
  final List<Kind> expired = new ArrayList<>();
  final Watchdog dog = new Watchdog(clock, clock, Runnable::run, expired::add);

  @Test
  void aWaitExpiresAfterItsLimitAndOnlyOnce() {
    dog.watch(Kind.RESPONSE, Duration.ofSeconds(2));
    clock.advance(Duration.ofMillis(1999));
    assertThat(expired).isEmpty();
    clock.advance(Duration.ofMillis(1));
    clock.advance(Duration.ofMinutes(5));
    assertThat(expired).containsExactly(Kind.RESPONSE);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void activityPushesAnIdleWaitBackWithoutANewTaskPerActivity() {
    dog.watch(Kind.IDLE, Duration.ofSeconds(3));
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(2));
      dog.activity();
      assertThat(clock.pendingTasks()).isEqualTo(1);
    }
    assertThat(expired).isEmpty();
    clock.advance(Duration.ofSeconds(3));
    assertThat(expired).containsExactly(Kind.IDLE);
  }

  @Test
  void aShorterWaitReplacesALongerOneAndTheBudgetWinsWhenEarlier() {
    dog.budget(Duration.ofSeconds(4));
    dog.watch(Kind.CONNECT, Duration.ofSeconds(5));
    dog.watch(Kind.FIRST_BYTE, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(expired).containsExactly(Kind.FIRST_BYTE);
    dog.budget(Duration.ofSeconds(2));
    dog.watch(Kind.RESPONSE, Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(2));
    assertThat(expired).containsExactly(Kind.FIRST_BYTE, Kind.BUDGET);
  }

  @Test
  void aStoppedOrUnlimitedWaitNeverExpires() {
    dog.watch(Kind.IDLE, Duration.ofSeconds(1));
    dog.stop();
    dog.watch(Kind.IDLE, null);
    clock.advance(Duration.ofHours(1));
    assertThat(expired).isEmpty();
  }
}
