package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.proxy.ProxyProcessTest.ProxyProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory by default (issue 14), with the real executable jar (run after {@code package}): the
 * README's {@code java -jar failover-proxy.jar} serves in a bounded heap, re-launched once;
 * a launch that chose its heap, or opts out, runs as launched. The heap is what the serving
 * JVM reports in its banner ({@link Runtime#maxMemory}); whether it was re-launched is whether
 * the launched process has a child.
 */
class BoundedHeapJarIT {
  static final Path JAR = Path.of("target", "failover-proxy.jar");
  static final Pattern MAX_HEAP = Pattern.compile("memory: max heap (\\d+) MB");

  static List<String> jar(List<String> env, List<String> jvm, String... args) {
    assertThat(JAR).as("the executable jar (built by package)").exists();
    List<String> cmd = new ArrayList<>();
    if (!env.isEmpty()) {
      cmd.add("env");
      cmd.addAll(env);
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static List<String> serve(Path dir, TestUpstream upstream, int port) throws IOException {
    return List.of("--config", ProxyProcessTest.config(dir, upstream, "").toString(),
        "--listen", "127.0.0.1:" + port);
  }

  static long maxHeapMb(ProxyProcess p) {
    Matcher m = MAX_HEAP.matcher(p.awaitLine(l -> MAX_HEAP.matcher(l).find(),
        "with the max heap"));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void theReadmeLaunchServesInABoundedHeapAndStopsCleanlyOnSigterm(@TempDir Path dir)
      throws Exception {
    int port = ProxyProcessTest.freePort();
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(jar(List.of(), List.of(),
            serve(dir, upstream, port).toArray(String[]::new)))) {
      assertThat(maxHeapMb(p)).isBetween(64L, 128L);
      assertThat(p.output()).contains("bounded default");
      List<ProcessHandle> children = p.process.toHandle().children().toList();
      assertThat(children).hasSize(1);
      assertThat(children.get(0).info().arguments().orElseThrow()).contains("-Xmx128m",
          "-XX:+UseSerialGC", "-D" + Relaunch.CHILD + "=true", "-jar");
      ProxyProcessTest.awaitServing(port, p);
      p.process.toHandle().destroy(); // SIGTERM to the process the operator started
      assertThat(p.exitCode()).as(p.output()).isZero();
      assertThat(p.output()).contains("shutting down", "stopped");
      ProxyProcessTest.assertNoStackTrace(p.output());
      assertThat(children.get(0).isAlive()).as("the child, once the parent has exited")
          .isFalse();
    }
  }

  @Test
  void anExplicitHeapIsHonouredWithoutARelaunch(@TempDir Path dir) throws Exception {
    int port = ProxyProcessTest.freePort();
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(jar(List.of(), List.of("-Xmx200m"),
            serve(dir, upstream, port).toArray(String[]::new)))) {
      assertThat(maxHeapMb(p)).isBetween(150L, 200L); // G1: 200; serial: 200 less a survivor
      assertThat(p.output()).contains("(as launched)");
      assertThat(p.process.toHandle().children().count()).isZero();
      p.process.toHandle().destroy();
      assertThat(p.exitCode()).as(p.output()).isZero();
    }
  }

  @Test
  void theOptOutRunsAsLaunched(@TempDir Path dir) throws Exception {
    int port = ProxyProcessTest.freePort();
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(jar(List.of(Relaunch.OPT_OUT + "=0"), List.of(),
            serve(dir, upstream, port).toArray(String[]::new)))) {
      maxHeapMb(p);
      assertThat(p.output()).contains("(as launched)");
      assertThat(p.process.toHandle().children().count()).isZero();
      p.process.toHandle().destroy();
      assertThat(p.exitCode()).as(p.output()).isZero();
    }
  }

  /** A parent killed outright (SIGKILL) takes the proxy with it: no orphan keeps the port. */
  @Test
  void theProxyDoesNotOutliveAKilledParent(@TempDir Path dir) throws Exception {
    int port = ProxyProcessTest.freePort();
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(jar(List.of(), List.of(),
            serve(dir, upstream, port).toArray(String[]::new)))) {
      ProxyProcessTest.awaitServing(port, p);
      assertThat(p.process.toHandle().children().count()).isOne();
      p.process.destroyForcibly();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (ConnectException refused) {
          break; // nothing listens any more
        } catch (SocketTimeoutException busy) {
          // still there, or going: ask again
        }
        assertThat(System.nanoTime() - deadline).as("the child still listens").isNegative();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling, not a flood
      }
    }
  }

  /**
   * On a terminal (a pseudo-terminal from {@code script}), the child — whose standard input is
   * the parent's pipe, so it has no console of its own — is told the output is a terminal: the
   * demo still redraws one live view.
   */
  @Test
  void onATerminalTheChildIsToldSo(@TempDir Path dir) throws Exception {
    int port = ProxyProcessTest.freePort();
    try (TestUpstream upstream = new TestUpstream()) {
      String launch = String.join(" ", jar(List.of(), List.of(),
          serve(dir, upstream, port).toArray(String[]::new)));
      try (ProxyProcess p = new ProxyProcess(List.of("script", "-qefc", launch, "/dev/null"))) {
        ProxyProcessTest.awaitServing(port, p);
        ProcessHandle child = p.process.toHandle().descendants()
            .filter(h -> h.info().arguments().map(a -> List.of(a)
                .contains("-D" + Relaunch.CHILD + "=true")).orElse(false))
            .findFirst().orElseThrow();
        assertThat(child.info().arguments().orElseThrow())
            .contains("-D" + Relaunch.CONSOLE + "=true");
        ProcessHandle parent = child.parent().orElseThrow();
        parent.destroy(); // SIGTERM to the proxy the operator started
        assertThat(p.exitCode()).as(p.output()).isZero();
        assertThat(child.isAlive()).isFalse();
      }
    }
  }

  /** The same jar and launch with {@code --check}: no child for a command that just answers. */
  @Test
  void checkAnswersInTheLaunchedJvm(@TempDir Path dir) throws Exception {
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(jar(List.of(), List.of(), "--config",
            ProxyProcessTest.config(dir, upstream, "").toString(), "--check"))) {
      assertThat(p.exitCode()).as(p.output()).isZero();
      assertThat(p.output()).contains("is valid").doesNotContain("memory:");
    }
  }
}
