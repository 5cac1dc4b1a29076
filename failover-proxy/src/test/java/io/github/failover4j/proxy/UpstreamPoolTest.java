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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream connection pool's limits ({@code limits.upstreamIdlePerLoop}, {@code
 * limits.upstreamIdleTimeout}, {@code limits.upstreamMaxPerProvider}): idle connections never
 * exceed the limit, one idle for the timeout on the proxy's clock is closed rather than reused,
 * and connections to one provider never exceed its cap: over it an attempt waits, is served
 * when a connection comes back, or gets the timeout answer; no slot is ever lost.
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

  // ---------------------------------------------------------------- max per provider

  /** Connect 5 s, and waits long enough for a response that only the connect timeout fires. */
  static final Timeouts PATIENT = new Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(10),
      null, Duration.ofMinutes(10));

  static Limits capped(int max) {
    return new Limits(1 << 20, 1 << 20, 64 << 10, 16, Duration.ofSeconds(60), max);
  }

  /** An upstream that answers {@code 200} once a permit is given per request. */
  static FaultUpstream.Script gated(Semaphore gate) {
    FaultUpstream.Script ok = FaultUpstream.ok("{}");
    return (r, s, out) -> {
      gate.acquire();
      return ok.answer(r, s, out);
    };
  }

  int openToProvider() {
    return h.proxy.connections().openTo("test");
  }

  int waiting() {
    return h.proxy.connections().waitingFor("test");
  }

  @Test
  void overTheCapAnAttemptWaitsAndIsServedWhenAConnectionIsReleased() throws Exception {
    Semaphore gate = new Semaphore(0);
    h.start(gated(gate), PLAIN, PATIENT, capped(2));
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket c = h.connect();
      send(c, GET);
      clients.add(c);
    }
    h.up.take();
    h.up.take(); // two requests at the upstream, on the two connections the cap allows
    awaitTrue("the third waits", () -> waiting() == 1);
    assertThat(h.up.connections()).isEqualTo(2);
    assertThat(openToProvider()).isEqualTo(2);
    gate.release(); // one answer: its connection goes to the waiting attempt
    h.up.take();
    assertThat(waiting()).isZero();
    gate.release(2);
    for (Socket c : clients) {
      assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    }
    assertThat(h.up.connections()).as("never more than the cap").isEqualTo(2);
    assertThat(openToProvider()).isEqualTo(2); // idle now, still open
  }

  /**
   * A cap of one: the first request at the upstream (held until {@code gate} gives a permit),
   * the second waiting for its connection.
   */
  private Socket[] oneAtTheUpstreamOneWaiting(Semaphore gate) throws Exception {
    h.start(gated(gate), PLAIN, PATIENT, capped(1));
    Socket first = h.connect();
    send(first, GET);
    h.up.take();
    Socket second = h.connect();
    send(second, GET);
    awaitTrue("the second waits", () -> waiting() == 1);
    return new Socket[] {first, second};
  }

  @Test
  void anAttemptThatWaitsLongerThanTheConnectTimeoutGetsTheTimeoutAnswer() throws Exception {
    Semaphore gate = new Semaphore(0);
    Socket[] clients = oneAtTheUpstreamOneWaiting(gate);
    Socket first = clients[0];
    Socket second = clients[1];
    h.awaitDue(PATIENT.connect());
    h.clock.advance(PATIENT.connect());
    String[] answer = readResponse(second);
    assertThat(answer[0]).startsWith("HTTP/1.1 504");
    assertThat(answer[1]).contains("upstream_timeout");
    awaitTrue("the waiter gone", () -> waiting() == 0);
    assertThat(h.up.connections()).isEqualTo(1);
    gate.release(); // the first is still served
    assertThat(readResponse(first)[0]).startsWith("HTTP/1.1 200");
    assertThat(openToProvider()).isEqualTo(1);
  }

  @Test
  void anAttemptWhoseClientLeavesStopsWaitingAtOnce() throws Exception {
    Semaphore gate = new Semaphore(0);
    Socket[] clients = oneAtTheUpstreamOneWaiting(gate);
    Socket first = clients[0];
    Socket second = clients[1];

    second.close(); // before its connect timeout: no timer has to run for it to leave

    awaitTrue("the waiter gone", () -> waiting() == 0);
    gate.release();
    assertThat(readResponse(first)[0]).startsWith("HTTP/1.1 200");
    awaitTrue("the released connection idle in the pool, not handed to the leaver",
        () -> h.proxy.connections().idleConnections().length == 1);
    assertThat(h.up.connections()).isEqualTo(1);
    assertThat(openToProvider()).isEqualTo(1);
  }

  /** Resets, timeouts and waiters by the dozen: every slot comes back. */
  @Test
  void theCountReturnsToZeroAfterResetsAndTimeouts() throws Exception {
    Timeouts t = new Timeouts(PATIENT.connect(), Duration.ofSeconds(20), null,
        Duration.ofSeconds(20));
    h.start(FaultUpstream.resetAfter("", ""), // a reset before any answer: 502
        PLAIN, t, capped(2));
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Socket c = h.connect();
      send(c, GET);
      clients.add(c);
    }
    for (Socket c : clients) {
      assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 502");
    }
    awaitTrue("every reset connection counted off", () -> openToProvider() == 0);
    assertThat(waiting()).isZero();

    h.up.script(h.up.hang()); // now: waits that time out, with attempts queued behind them
    clients.clear();
    for (int i = 0; i < 4; i++) {
      Socket c = h.connect();
      send(c, GET);
      clients.add(c);
      if (i == 1) { // the first two at the upstream before the others come: who waits is known
        h.up.take();
        h.up.take();
      }
    }
    awaitTrue("two wait", () -> waiting() == 2);
    h.awaitDue(t.connect());
    h.clock.advance(t.connect()); // the two waiting ones time out
    awaitTrue("the waiters gone", () -> waiting() == 0);
    for (Socket c : clients.subList(2, 4)) {
      // read while the clock ticks on: twice in ~8 full builds one of these reads timed out
      // here, never in isolation (cause not found); these clients never reached the upstream,
      // so a connect timeout is still the only way they can be answered 504
      assertThat(h.whileTicking(() -> readResponse(c))[0]).startsWith("HTTP/1.1 504");
    }
    for (Socket c : clients.subList(0, 2)) { // and the two at the upstream, on response timeout
      assertThat(h.whileTicking(() -> readResponse(c))[0]).startsWith("HTTP/1.1 504");
    }
    awaitTrue("every timed-out connection counted off", () -> openToProvider() == 0);
    assertThat(h.proxy.connections().open()).isZero();
  }

  /**
   * Two loops, a cap of one: the connection idle on the first loop is no use to an attempt on
   * the second, so it is closed to free its slot rather than kept while the attempt waits.
   */
  @Test
  void aSlotIdleOnAnotherLoopIsFreedForAWaiter() throws Exception {
    h.threads = 2;
    h.start(FaultUpstream.ok("{}"), PLAIN, PATIENT, capped(1));
    Socket first = h.connect(); // client connections go to the loops in turn
    send(first, GET);
    assertThat(readResponse(first)[0]).startsWith("HTTP/1.1 200");
    Channel idle = h.awaitPooled();
    Socket second = h.connect();
    send(second, GET);
    assertThat(readResponse(second)[0]).startsWith("HTTP/1.1 200"); // no clock moved: no timeout
    assertThat(idle.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(h.up.connections()).isEqualTo(2);
    assertThat(openToProvider()).isEqualTo(1);
    assertThat(waiting()).isZero();
  }

  @Test
  void uncappedCountsNothing() throws Exception {
    h.start(FaultUpstream.ok("{}"));
    Socket c = h.connect();
    send(c, GET);
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
    assertThat(openToProvider()).isEqualTo(-1);
  }

  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what + " within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  @Test
  void closingIdleConnectionsClosesThoseOfEveryProviderOnALoop() throws Exception {
    // one loop, idle connections to two providers: closing one queue's last connection
    // removes that queue while the others are still to be closed
    try (RoutesRig rig = new RoutesRig(FaultUpstream.ok("{}"), FaultUpstream.ok("{}"), """
        providers:
          - name: primary
            upstream: {primary}
            apiTokens: [sk-primary-00000000000000000001]
          - name: backup
            upstream: {backup}
            pathPrefix: /backup
            apiTokens: [sk-backup-000000000000000000001]
        """)) {
      for (String path : List.of("/v1/models", "/backup/v1/models")) {
        Socket c = rig.connect();
        send(c, "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n");
        assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 200");
      }
      awaitTrue("both connections idle in the pool",
          () -> rig.proxy.connections().idleConnections().length == 2);

      rig.proxy.connections().closeIdle();

      awaitTrue("every idle connection closed", () -> rig.proxy.connections().open() == 0);
    }
  }
}
