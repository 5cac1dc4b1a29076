package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.netty.testing.TestUpstream;
import java.io.BufferedReader;

import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static final String SECRET_A = "sk-main-aaaaaaaaaaaaaaaaaaaa01";
  static final String SECRET_B = "sk-main-bbbbbbbbbbbbbbbbbbbb02";

  final Cli cli = new Cli();

  int run(String... args) {
    return cli.run(args);
  }

  String out() {
    return cli.out();
  }

  String err() {
    return cli.err();
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("usage:", "--config FILE", "--listen HOST:PORT",
        "/_failover/status");
  }

  @Test
  void badArgumentsExitWith2AndListEveryProblem() {
    assertThat(run("--bogus", "--listen", "nowhere")).isEqualTo(2);
    assertThat(err()).contains("2 problems", "--bogus: unknown argument",
        "--listen: 'nowhere' is not host:port");
  }

  @Test
  void aMissingConfigFileExitsWith2() {
    assertThat(run("--config", "/no/such/file.yaml")).isEqualTo(2);
    assertThat(err()).contains("/no/such/file.yaml does not exist");
  }

  @Test
  void anInvalidConfigExitsWith2WithEveryProblemAndItsPathButNoToken(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:8080
        providers:
          - name: openai
            upstream: ftp://api.example.com
            apiTokens: [%s, %s]
            failover:
              failure:
                failureTreshold: 3
                conditions:
                  - status_code: [999]
        """.formatted(SECRET_A, SECRET_B));
    assertThat(run("--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("providers[0].upstream", "failureTreshold",
        "failureThreshold", "status_code[0]", "999");
    assertThat(out() + err()).doesNotContain(SECRET_A, SECRET_B);
  }

  /**
   * The real command in its own JVM: serves, and on SIGTERM stops accepting, lets the request
   * in flight finish and exits 0. Its output holds no token.
   */
  @Test
  void servesAndOnSigtermFinishesTheRequestInFlightAndExits0(@TempDir Path dir)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (TestUpstream upstream = new TestUpstream()) {
      upstream.on(SECRET_A, TestUpstream.slow(release));
      upstream.on(SECRET_B, TestUpstream.slow(release));
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path config = dir.resolve("proxy.yaml");
      Files.writeString(config, """
          providers:
            - name: openai
              upstream: %s
              apiTokens: [%s, %s]
              failover:
                failure:
                  conditions:
                    - status_code: [429]
          """.formatted(upstream.uri(), SECRET_A, SECRET_B));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "--config", config.toString(), "--listen", "127.0.0.1:" + port)
          .redirectErrorStream(true).start();
      List<String> lines = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
          if (line.contains("/_failover/status")) {
            break; // the last line of the start-up banner
          }
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("listening on http://127.0.0.1:"
            + port));
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("(provider openai, 2 tokens)"));
        CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        upstream.take(); // the request is at the upstream, waiting
        p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our pipes)
        while ((line = reader.readLine()) != null) {
          lines.add(line);
          if (line.contains("shutting down")) {
            break;
          }
        }
        release.countDown();
        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("stopped"));
        assertThat(String.join("\n", lines)).doesNotContain(SECRET_A, SECRET_B);
      } finally {
        release.countDown();
        p.destroyForcibly();
      }
    }
  }

}
