package io.github.failover4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventLoopSchedulerTest {

  @Test
  void runsTasksOnTheEventLoopAndCancelsThem() throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      EventLoopScheduler scheduler = new EventLoopScheduler(loop);
      AtomicBoolean cancelledRan = new AtomicBoolean();
      // hold the loop so the task cannot come due and run before it is cancelled
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      scheduler.schedule(() -> cancelledRan.set(true), 1, TimeUnit.MILLISECONDS).cancel();
      release.countDown();
      var longOne = scheduler.schedule(() -> cancelledRan.set(true), 1, TimeUnit.HOURS);
      longOne.cancel();
      CountDownLatch ran = new CountDownLatch(1);
      AtomicBoolean onLoop = new AtomicBoolean();
      scheduler.schedule(() -> {
        onLoop.set(loop.inEventLoop());
        ran.countDown();
      }, 0, TimeUnit.MILLISECONDS);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(onLoop).isTrue();
      // tasks run in deadline order: a task due after the cancelled one has run by now
      CountDownLatch after = new CountDownLatch(1);
      scheduler.schedule(after::countDown, 2, TimeUnit.MILLISECONDS);
      assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cancelledRan).isFalse();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aLoopThatIsShutDownDropsTasksQuietly() {
    DefaultEventLoop loop = new DefaultEventLoop();
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    EventLoopScheduler scheduler = new EventLoopScheduler(loop);
    scheduler.schedule(() -> { }, 1, TimeUnit.SECONDS).cancel();
  }
}
