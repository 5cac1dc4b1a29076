package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.HostileUpstreamTest.post;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Outages;
import io.github.failover4j.test.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The proxy in front of two loopback fake providers ({@link FaultUpstream}s: {@code primary}
 * and {@code backup}) with a gateway file the test writes, engine time and the proxy's timers
 * on a {@link ManualClock}: for the route tests beside {@link RoutesProxyTest} (budget, return
 * through a probe, the fault run).
 */
final class RoutesRig implements AutoCloseable {
  final ManualClock clock = new ManualClock();
  final FaultUpstream primary;
  final FaultUpstream backup;
  final FailoverProxy proxy;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * Starts both fakes and the proxy.
   *
   * @param yaml the gateway file; {@code {primary}} and {@code {backup}} stand for the fakes'
   *     URIs
   */
  RoutesRig(FaultUpstream.Script p, FaultUpstream.Script b, String yaml) throws Exception {
    primary = new FaultUpstream(p);
    toClose.add(primary);
    backup = new FaultUpstream(b);
    toClose.add(backup);
    GatewayConfig gateway = GatewayConfig.parse(yaml.replace("{primary}", primary.uri()
        .toString()).replace("{backup}", backup.uri().toString()));
    proxy = FailoverProxy.builder(gateway).listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock).ticker(clock).threads(1).start();
  }

  /** A client connection to the proxy, closed with the rig. */
  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.address().getPort());
    s.setSoTimeout(10_000); // a safety net only
    toClose.add(s);
    return s;
  }

  /** Sends a chat completion with {@code body} on a new connection; read it with {@link #read}. */
  Socket send(String body) throws IOException {
    Socket c = connect();
    HostileUpstreamTest.send(c, post("/v1/chat/completions", body, ""));
    return c;
  }

  /** The response on {@code c}: head and body. */
  static String[] read(Socket c) throws IOException {
    return readResponse(c);
  }

  /** A chat completion, sent and answered. */
  String[] chat(String body) throws IOException {
    return read(send(body));
  }

  /** A GET on the proxy (status, metrics). */
  String[] get(String path) throws IOException {
    Socket c = connect();
    HostileUpstreamTest.send(c, "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n");
    return readResponse(c);
  }

  /** Engine time now, as a duration since the start. */
  Duration now() {
    return Duration.ofNanos(clock.nanoTime());
  }

  /** Waits (with a deadline) until a timer is armed to fire {@code d} from now. */
  void awaitDue(Duration d) {
    awaitTrue(() -> clock.pendingDueTimes().contains(clock.nanoTime() + d.toNanos()),
        "a timer armed to fire in " + d);
  }

  /** The one target in outage, or {@code null} when none is. */
  Outages.Snapshot outage() {
    List<Outages.Snapshot> all = proxy.outages().snapshot();
    assertThat(all.size()).as("targets in outage").isLessThanOrEqualTo(1);
    return all.isEmpty() ? null : all.get(0);
  }

  /**
   * Waits until no outage probe is in flight (the outage ended, or its next probe is scheduled
   * in the future), and returns the time to that probe ({@code null} when the outage ended).
   */
  Duration awaitNextProbe() {
    awaitTrue(() -> {
      Outages.Snapshot s = outage();
      return s == null || !s.nextCheckIn().isZero();
    }, "the outage's next probe scheduled");
    Outages.Snapshot s = outage();
    return s == null ? null : s.nextCheckIn();
  }

  /** Waits, with a 10 s deadline, until {@code condition} holds. */
  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what + " within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  @Override
  public void close() throws Exception {
    proxy.shutdown(Duration.ofSeconds(2)).join();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }
}
