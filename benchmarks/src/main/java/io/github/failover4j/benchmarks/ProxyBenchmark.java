package io.github.failover4j.benchmarks;

import io.github.failover4j.benchmarks.load.LoadUpstream;
import io.github.failover4j.proxy.FailoverProxy;
import io.github.failover4j.proxy.GatewayConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One chat completion through the failover proxy ({@code FailoverProxy}, in this JVM) over
 * loopback, against the same request sent to the upstream directly; for the bytes the proxy
 * allocates per request.
 *
 * <p>The client ({@link WireClient}) allocates nothing per request and the upstream ({@link
 * LoadUpstream}) the same in both cases, so the difference between {@code proxy} and {@code
 * direct} in {@code gc.alloc.rate.norm} ({@code -prof gc}) is the proxy's garbage per request.
 * The proxy's own event-loop threads ({@code proxy-io-*}) are also measured directly with
 * {@code ThreadMXBean.getThreadAllocatedBytes}; each iteration prints {@code proxy threads: N
 * B/request}. The seed's body condition has no status, so with {@code proxy-seed} every
 * response body is read; {@code proxy-status} has status-only rules. Times are a loopback round trip on a shared machine: use {@code benchmarks/load/}
 * for throughput and latency.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProxyBenchmark {
  /** The seed's failure rules (SPEC §3), under {@code failover.failure}. */
  static final String SEED_RULES = String.join("\n",
      "        failureThreshold: 3",
      "        conditions:",
      "          - status_code: [403]",
      "            headers: [\"failure=true\"]",
      "          - status_code: [502, 503]",
      "          - body: \"No quota available\"", "");

  /** The same without the body condition: no response body is read. */
  static final String STATUS_RULES = String.join("\n",
      "        failureThreshold: 3",
      "        conditions:",
      "          - status_code: [403]",
      "            headers: [\"failure=true\"]",
      "          - status_code: [429, 502, 503]", "");

  /** The upstream, and the proxy in front of it when measured. */
  @State(Scope.Benchmark)
  public static class Servers {
    /**
     * {@code direct}: to the upstream; {@code proxy-seed}: through the failover proxy with the
     * seed's rules (every body read by the body rule); {@code proxy-status}: through the proxy
     * with status-only rules (no body read).
     */
    @Param({"direct", "proxy-seed", "proxy-status"})
    public String target;

    LoadUpstream upstream;
    FailoverProxy proxy;
    InetSocketAddress address;

    /** Starts the upstream (and the proxy). */
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      upstream = LoadUpstream.start(new InetSocketAddress("127.0.0.1", 0), 50, 10);
      address = new InetSocketAddress("127.0.0.1", upstream.port());
      try {
        startProxy();
      } catch (RuntimeException | InterruptedException e) {
        upstream.close();
        throw e;
      }
    }

    private void startProxy() throws InterruptedException {
      if (target.startsWith("proxy-")) {
        String yaml = "providers:\n"
            + "  - name: bench\n"
            + "    upstream: http://127.0.0.1:" + upstream.port() + "\n"
            + "    apiTokens: [" + String.join(", ", JdkClientBenchmark.TOKENS) + "]\n"
            + "    failover:\n"
            + "      failure:\n"
            + switch (target) {
              case "proxy-seed" -> SEED_RULES;
              case "proxy-status" -> STATUS_RULES;
              default -> throw new IllegalArgumentException("no target named " + target);
            };
        proxy = FailoverProxy.builder(GatewayConfig.parse(yaml))
            .listen(new InetSocketAddress("127.0.0.1", 0)).start();
        address = proxy.address();
      } else if (!target.equals("direct")) {
        throw new IllegalArgumentException("no target named " + target);
      }
    }

    /** Stops them. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (proxy != null) {
        proxy.shutdown(java.time.Duration.ofSeconds(1)).join();
      }
      upstream.close();
    }
  }

  /** One keep-alive connection per benchmark thread, and the proxy threads' allocation. */
  @State(Scope.Thread)
  public static class Client {
    WireClient wire;
    long requests;
    long proxyAllocatedAtStart;

    /** Connects. */
    @Setup(Level.Trial)
    public void setUp(Servers s) throws IOException {
      wire = new WireClient(s.address, "/v1/chat/completions",
          io.github.failover4j.benchmarks.load.LoadGenerator.REQUEST);
    }

    /** Notes what the proxy's threads have allocated so far. */
    @Setup(Level.Iteration)
    public void startIteration() {
      requests = 0;
      proxyAllocatedAtStart = proxyThreadsAllocated();
    }

    /** Prints the proxy threads' bytes per request in this iteration. */
    @TearDown(Level.Iteration)
    public void endIteration(Servers s) {
      if (s.proxy != null && requests > 0) {
        System.out.printf(Locale.ROOT, "%n  proxy threads: %.0f B/request (%d requests)%n",
            (proxyThreadsAllocated() - proxyAllocatedAtStart) / (double) requests, requests);
      }
    }

    /** Disconnects. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      wire.close();
    }
  }

  /** Bytes allocated so far by the threads named {@code proxy-io-*}. */
  static long proxyThreadsAllocated() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("proxy-io")) {
        total += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
      }
    }
    return total;
  }

  /** One request and its whole response; fails on anything but a 350 B 200. */
  @Benchmark
  public int chatCompletion(Client c) throws IOException {
    int status = c.wire.exchange();
    if (status != 200 || c.wire.bodyBytes() != LoadUpstream.CHAT_COMPLETION.length) {
      throw new IOException("unexpected response: " + status + ", " + c.wire.bodyBytes()
          + " bytes");
    }
    c.requests++;
    return status;
  }
}
