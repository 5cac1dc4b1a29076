package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.proxy.FleetProcesses.Replica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the fleet across two proxy processes (not a test; run by hand, see {@code
 * docs/fleet.md}): the time from the answer to the request that ejected a key on replica A to
 * that key showing out in replica B's {@code /_failover/status} (polled back to back), p50 and
 * p99 over {@code rounds} ejections (an operator restore on A between them); then the probes of
 * the ejected key at the provider across both replicas over ten 1 s probe periods.
 *
 * <p>Arguments: {@code [rounds] [redis-uri]}; default 100 rounds on an embedded redis-server.
 */
public final class FleetPropagation {
  private FleetPropagation() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    String bad = FleetProxyTest.BAD;
    String fp = TokenSpec.of(bad).fingerprint();
    Path dir = Files.createTempDirectory("fleet-propagation");
    FleetRedis embedded = args.length > 1 ? null : new FleetRedis();
    String redisUri = args.length > 1 ? args[1] : embedded.uri();
    try (TestUpstream upstream = new TestUpstream().on(bad, TestUpstream.quotaExhausted());
        Replica a = Replica.start(dir, "proxy-a", upstream.uri(), redisUri, "1s");
        Replica b = Replica.start(dir, "proxy-b", upstream.uri(), redisUri, "1s")) {
      int warmUp = 10;
      long[] nanos = new long[rounds];
      for (int i = -warmUp; i < rounds; i++) {
        FleetProcesses.await("B has the key back", () -> b.state(bad).equals("HEALTHY"));
        upstream.drain();
        long answered;
        do { // round robin: the request that meets the bad key ejects it (threshold 1)
          if (a.chat().statusCode() != 200) {
            throw new AssertionError("A did not serve");
          }
          answered = System.nanoTime();
        } while (upstream.drain().stream().noneMatch(r -> !r.isProbe() && bad.equals(r.token())));
        while (!b.state(bad).equals("EJECTED")) {
          if (System.nanoTime() - answered > TimeUnit.SECONDS.toNanos(30)) {
            throw new AssertionError("B did not show the key out within 30 s");
          }
        }
        long seen = System.nanoTime();
        if (i >= 0) {
          nanos[i] = seen - answered;
        }
        if (i < rounds - 1) {
          a.post("/_failover/providers/openai/tokens/" + fp + "/restore", "");
        }
      }
      Arrays.sort(nanos);
      long t0 = System.nanoTime();
      int timed = 200;
      for (int i = 0; i < timed; i++) {
        b.status();
      }
      double statusMs = (System.nanoTime() - t0) / 1e6 / timed;
      System.out.printf("propagation A answer -> out in B's /_failover/status, %d ejections: "
              + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (one status poll of B takes "
              + "%.2f ms on average, the resolution of this figure)%n", rounds,
          ms(pct(nanos, 50)), ms(pct(nanos, 90)), ms(pct(nanos, 99)), ms(nanos[rounds - 1]),
          statusMs);

      // the key is out on both: count its probes over ten periods of 1 s (each + <10% jitter)
      upstream.drain();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10_000));
      long probes = upstream.drain().stream().filter(r -> r.isProbe() && bad.equals(r.token()))
          .count();
      System.out.printf("probes of the ejected key at the provider over 10 s with a 1 s probe "
          + "period, two replicas: %d (one replica would send 9-10; two without a fleet "
          + "18-20)%n", probes);
      System.out.println("B's view of the key: " + FleetProcesses.token(b.status(), bad)
          .path("fleet"));
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    System.exit(0);
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
