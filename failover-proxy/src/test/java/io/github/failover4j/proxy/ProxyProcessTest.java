package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.netty.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as a real process (issue 9, items 5, 10 and 12): what an operator sees when the port
 * is taken, when SIGTERM comes right after the start, and when file descriptors run out.
 */
class ProxyProcessTest {
  static final String TOKEN = "sk-process-000000000000000001";

  /** A proxy process; its merged output is collected line by line as it comes. */
  static final class ProxyProcess implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    ProxyProcess(List<String> command) throws IOException {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process is gone
        }
      }, "proxy-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits (up to 60 s) for a line that satisfies {@code p}. */
    String awaitLine(Predicate<String> p, String what) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        for (String l : lines) {
          if (p.test(l)) {
            return l;
          }
        }
        if (System.nanoTime() - deadline > 0 || (!process.isAlive() && lines.stream()
            .noneMatch(p))) {
          throw new AssertionError("no line " + what + "; output:\n" + output());
        }
        Thread.onSpinWait();
      }
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output:\n" + output())
          .isTrue();
      return process.exitValue();
    }

    String output() {
      return String.join("\n", lines);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path config(Path dir, TestUpstream upstream, String extra) throws IOException {
    Path config = dir.resolve("proxy.yaml");
    Files.writeString(config, """
        providers:
          - name: openai
            upstream: %s
            apiTokens: [%s]
            failover:
              failure:
                conditions:
                  - status_code: [429]
        %s
        """.formatted(upstream.uri(), TOKEN, extra));
    return config;
  }

  static void assertNoStackTrace(String output) {
    assertThat(output).doesNotContain("\tat ", "Exception in thread", "Caused by")
        .as("a logging library's complaints").doesNotContain("SLF4J");
  }

  @Test
  void aTakenPortExits1WithOneClearLineAndNoStackTrace(@TempDir Path dir) throws Exception {
    try (TestUpstream upstream = new TestUpstream();
        ServerSocket taken = new ServerSocket(0, 50,
            java.net.InetAddress.getByName("127.0.0.1"));
        ProxyProcess p = new ProxyProcess(java("--config", config(dir, upstream, "").toString(),
            "--listen", "127.0.0.1:" + taken.getLocalPort()))) {
      assertThat(p.exitCode()).isEqualTo(1);
      assertThat(p.lines).containsExactly("failover-proxy: cannot start: cannot listen on "
          + "127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
    }
  }

  @Test
  void sigtermRightAfterTheStartExits0Cleanly(@TempDir Path dir) throws Exception {
    int port = freePort();
    try (TestUpstream upstream = new TestUpstream();
        ProxyProcess p = new ProxyProcess(java("--config", config(dir, upstream, "").toString(),
            "--listen", "127.0.0.1:" + port))) {
      p.awaitLine(l -> l.contains("listening on"), "saying it listens");
      p.process.toHandle().destroy(); // SIGTERM at the first line of the banner
      assertThat(p.exitCode()).as(p.output()).isZero();
      assertNoStackTrace(p.output());
      assertThat(p.output()).contains("stopped");
    }
  }

  /**
   * Issue 9, item 5: with {@code ulimit -n 256}, more idle clients than descriptors. Accepting
   * fails (EMFILE) while they stay; once they leave, the proxy serves again and still stops on
   * SIGTERM. Idle clients are not timed out here (long timeouts): recovery must come from the
   * accept loop, not from the guard.
   */
  @Test
  void runningOutOfFileDescriptorsIsSurvived(@TempDir Path dir) throws Exception {
    int port = freePort();
    try (TestUpstream upstream = new TestUpstream()) {
      String cmd = "ulimit -n 256; exec \"$@\"";
      List<String> command = new ArrayList<>(List.of("bash", "-c", cmd, "bash"));
      command.addAll(java("--config", config(dir, upstream,
          "limits: {headerTimeout: 5m, keepAliveTimeout: 5m}").toString(),
          "--listen", "127.0.0.1:" + port));
      List<Socket> idle = new ArrayList<>();
      try (ProxyProcess p = new ProxyProcess(command)) {
        p.awaitLine(l -> l.contains("/_failover/status"), "ending the banner");
        try {
          for (int i = 0; i < 400; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            idle.add(s);
          }
          p.awaitLine(l -> l.contains("cannot accept client connections"),
              "saying accepting fails");
          assertThat(p.process.isAlive()).isTrue();
        } finally {
          for (Socket s : idle) {
            s.close();
          }
        }
        awaitServing(port, p);
        assertThat(p.output()).doesNotContain("OutOfMemoryError", "Exception in thread",
            "NoClassDefFoundError");
        p.process.toHandle().destroy();
        assertThat(p.exitCode()).as(p.output()).isZero();
      }
    }
  }

  /** Polls the status page on new connections until one answers 200 (at most 60 s). */
  static void awaitServing(int port, ProxyProcess p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Throwable last = null;
    while (System.nanoTime() - deadline < 0) {
      try (RawClient c = new RawClient(port)) {
        if (c.send("GET /_failover/status HTTP/1.1\r\nHost: x\r\n\r\n").read().status() == 200) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        last = e;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the proxy did not serve again within 60 s; its output:\n"
        + p.output(), last);
  }
}
