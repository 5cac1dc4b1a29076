package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.HostileUpstreamTest.PLAIN;
import static io.github.failover4j.proxy.HostileUpstreamTest.SHORT;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static io.github.failover4j.proxy.HostileUpstreamTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream connection pool's limits ({@code limits.upstreamIdlePerLoop}, {@code
 * limits.upstreamIdleTimeout}): idle connections never exceed the limit, and one idle for the
 * timeout on the proxy's clock is closed rather than reused.
 */
class UpstreamPoolTest {
  /** The hostile tests' harness: a {@link FaultUpstream}, the proxy on a manual clock. */
  final HostileUpstreamTest h = new HostileUpstreamTest();
  static final String GET = "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n\r\n";

  @AfterEach
  void stop() throws Exception {
    h.stop();
  }

  @Test
  void idleConnectionsNeverExceedTheLimit() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    FaultUpstream.Script ok = FaultUpstream.ok("{}");
    h.start((r, s, out) -> {
      go.await();
      return ok.answer(r, s, out);
    }, PLAIN, SHORT, new Limits(1 << 20, 1 << 20, 64 << 10, 2, Duration.ofSeconds(60)));
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket c = h.connect();
      send(c, GET);
      clients.add(c);
    }
    for (int i = 0; i < 4; i++) {
      h.up.take(); // four requests in flight at once: four upstream connections
    }
    assertThat(h.up.connections()).isEqualTo(4);
    go.countDown();
    for (Socket c : clients) {
      assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    }
    awaitTrue("the two connections over the limit closed",
        () -> h.proxy.connections().open() == 2);
    assertThat(h.proxy.connections().idleConnections()).hasSize(2);
    // and the two kept are reused
    for (Socket c : clients.subList(0, 2)) {
      send(c, GET);
    }
    for (Socket c : clients.subList(0, 2)) {
      assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    }
    assertThat(h.up.connections()).isEqualTo(4);
  }

  @Test
  void aConnectionIdleForTheTimeoutIsClosedNotReused() throws Exception {
    h.start(FaultUpstream.ok("{}"), PLAIN, SHORT,
        new Limits(1 << 20, 1 << 20, 64 << 10, 16, Duration.ofSeconds(30)));
    Socket c = h.connect();
    send(c, GET);
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    Channel first = h.awaitPooled();
    h.clock.advance(Duration.ofSeconds(29));
    send(c, GET);
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    assertThat(h.up.connections()).as("reused before the timeout").isEqualTo(1);
    assertThat(h.awaitPooled()).isSameAs(first);
    h.clock.advance(Duration.ofSeconds(30));
    send(c, GET);
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    assertThat(h.up.connections()).as("a new connection after the timeout").isEqualTo(2);
    assertThat(first.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(h.awaitPooled()).isNotSameAs(first);
    assertThat(h.proxy.connections().open()).isEqualTo(1);
  }

  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what + " within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }
}
