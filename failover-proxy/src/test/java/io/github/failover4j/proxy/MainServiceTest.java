package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.ADMIN_KEY;
import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_1;
import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_2;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_B;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_C;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.TokenSpec;
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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as an operator runs it: --check, --version, refusals, and reload in a real JVM. */
class MainServiceTest {
  final Cli cli = new Cli();

  @TempDir
  Path dir;

  int run(String... args) {
    return cli.run(args);
  }

  String out() {
    return cli.out();
  }

  String err() {
    return cli.err();
  }

  Path config(String yaml) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  static final String PROVIDER = """
      providers:
        - name: openai
          upstream: http://127.0.0.1:9
          apiTokens: [%s]
          failover: {failure: {conditions: [{status_code: [401], action: eject}]}}
      """.formatted(TOKEN_A);

  @Test
  void versionPrintsTheBuildsVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out().strip()).matches("failover-proxy \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void checkValidatesWithoutListeningAndWarnsOfPoolsThatNeverRestore() throws Exception {
    Path file = config("listen: 127.0.0.1:1\n" + PROVIDER);
    assertThat(run("--config", file.toString(), "--check")).isZero();
    assertThat(out()).contains("is valid: 1 providers, 1 tokens, 0 client keys");
    assertThat(out()).contains("warning: provider openai: an ejected token is never restored");
    assertThat(out() + err()).doesNotContain(TOKEN_A);
  }

  @Test
  void checkOfABadFileExits2WithItsProblems() throws Exception {
    Path file = config(PROVIDER + "clients: [{name: a, key: short}]\n");
    assertThat(run("--config", file.toString(), "--check")).isEqualTo(2);
    assertThat(err()).contains("clients[0].key: is shorter than 16 characters");
    assertThat(err()).doesNotContain("short\n");
  }

  @Test
  void aPublicAddressWithoutClientKeysIsRefusedWithOneLine() throws Exception {
    Path file = config(PROVIDER);
    assertThat(run("--config", file.toString(), "--listen", "0.0.0.0:0")).isEqualTo(2);
    assertThat(err().strip().lines()).singleElement().asString()
        .startsWith("failover-proxy: refusing to listen on 0.0.0.0:0 with no client keys")
        .contains("allowUnauthenticated: true");
    assertThat(out()).isEmpty();
  }

  @Test
  void aPublicAddressIsAcceptedWithClientKeysOrWhenExplicitlyAllowed() throws Exception {
    Path withKeys = config(PROVIDER + "clients: [{name: a, key: " + CLIENT_KEY_1 + "}]\n");
    assertThat(run("--config", withKeys.toString(), "--listen", "0.0.0.0:0", "--check"))
        .isZero();
    Path allowed = config(PROVIDER + "allowUnauthenticated: true\n");
    assertThat(run("--config", allowed.toString(), "--listen", "0.0.0.0:0", "--check"))
        .isZero();
    assertThat(out() + err()).doesNotContain(CLIENT_KEY_1);
  }

  /**
   * The real command in its own JVM, with every secret outside the file (environment and
   * secret files): a token is ejected; a change of the file adds a token and keeps the ejected
   * one ejected; a rotated client key file is picked up on SIGHUP; an invalid file changes
   * nothing. Nothing it prints or serves holds a secret.
   */
  @Test
  void reloadsOnAFileChangeAndOnSighupInARealJvm() throws Exception {
    try (TestUpstream upstream = new TestUpstream().on(TOKEN_A, TestUpstream.quotaExhausted())) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Files.writeString(dir.resolve("token-b.txt"), TOKEN_B + "\n");
      Files.writeString(dir.resolve("client.key"), CLIENT_KEY_1 + "\n");
      Files.writeString(dir.resolve("admin.key"), ADMIN_KEY);
      String template = """
          listen: 127.0.0.1:%d
          admin: {key: "file:admin.key"}
          clients:
            - {name: team-one, key: "file:client.key"}
          accessLog: {format: json}
          providers:
            - name: openai
              upstream: %s
              apiTokens: [%s]
              failover:
                failure:
                  conditions:
                    - {status_code: [429], action: eject}
                healthCheck: {periodSeconds: 3600, model: probe-model, conditions: [{status_code: [200]}]}
          """;
      Path file = dir.resolve("gateway.yaml");
      Files.writeString(file, template.formatted(port, upstream.uri(),
          "\"${F4J_TEST_TOKEN_A}\", \"file:token-b.txt\""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "--config", file.toString()).redirectErrorStream(true);
      pb.environment().put("F4J_TEST_TOKEN_A", TOKEN_A);
      Process p = pb.start();
      List<String> lines = new CopyOnWriteArrayList<>();
      BlockingQueue<String> queue = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
            queue.add(line);
          }
        } catch (java.io.IOException e) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
      HttpClient http = HttpClient.newHttpClient();
      List<String> served = new CopyOnWriteArrayList<>();
      try {
        awaitLine(queue, l -> l.contains("/_failover/"));
        URI chat = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        // until token A has answered 429 and been ejected
        awaitLine(queue, l -> {
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(chat)
                .header("Authorization", "Bearer " + CLIENT_KEY_1)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            served.add(r.statusCode() + " " + r.body());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return l.contains("ejected");
        }, true);
        String maskedA = TokenSpec.maskedId(TOKEN_A);

        // a change of the file: token C added, A (ejected) and B stay
        Files.writeString(file, template.formatted(port, upstream.uri(),
            "\"${F4J_TEST_TOKEN_A}\", \"file:token-b.txt\", " + TOKEN_C));
        awaitLine(queue, l -> l.contains("reloaded") && l.contains("file changed"));
        String status = get(http, port, "/_failover/status", ADMIN_KEY);
        served.add(status);
        assertThat(status).contains(TokenSpec.maskedId(TOKEN_C));
        assertThat(stateOf(status, maskedA)).isEqualTo("EJECTED");

        // a rotated client key, picked up on SIGHUP (the gateway file itself is unchanged)
        Files.writeString(dir.resolve("client.key"), CLIENT_KEY_2 + "\n");
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
        awaitLine(queue, l -> l.contains("reloaded") && l.contains("SIGHUP"));
        assertThat(send(http, chat, CLIENT_KEY_1, served)).isEqualTo(401);
        assertThat(send(http, chat, CLIENT_KEY_2, served)).isEqualTo(200);

        // an invalid file changes nothing
        Files.writeString(file, template.formatted(port, upstream.uri(), "\"${F4J_UNSET_X}\""));
        awaitLine(queue, l -> l.contains("refused") && l.contains("nothing changed"));
        awaitLine(queue, l -> l.contains("F4J_UNSET_X is not set"));
        status = get(http, port, "/_failover/status", ADMIN_KEY);
        served.add(status);
        assertThat(stateOf(status, maskedA)).isEqualTo("EJECTED");
        assertThat(status).contains(TokenSpec.maskedId(TOKEN_C));
        assertThat(send(http, chat, CLIENT_KEY_2, served)).isEqualTo(200);
        served.add(get(http, port, "/metrics", null));
        served.add(get(http, port, "/_failover/", ADMIN_KEY));

        p.toHandle().destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"client\":\"team-one\"",
            "\"provider\":\"openai\"", "\"model\":\"gpt-x\""));
        String everything = String.join("\n", lines) + String.join("\n", served);
        for (String secret : ServiceFixture.SECRETS) {
          assertThat(everything).doesNotContain(secret);
        }
      } finally {
        p.destroyForcibly();
      }
    }
  }

  static int send(HttpClient http, URI chat, String key, List<String> served) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(chat)
        .header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-x\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    served.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
    return r.statusCode();
  }

  static String get(HttpClient http, int port, String path, String adminKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + path));
    if (adminKey != null) {
      b.header("Authorization", "Bearer " + adminKey);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  /** The state the status JSON shows for the token of masked id {@code id}. */
  static String stateOf(String status, String id) throws Exception {
    for (com.fasterxml.jackson.databind.JsonNode t : new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(status).get("providers").get(0).get("tokens")) {
      if (t.get("id").asText().equals(id)) {
        return t.get("state").asText();
      }
    }
    return null;
  }

  static String awaitLine(BlockingQueue<String> queue, Predicate<String> want)
      throws InterruptedException {
    return awaitLine(queue, want, false);
  }

  /**
   * The next line that {@code want} accepts, within 30 s. With {@code pollEachTime}, {@code
   * want} is also asked (with an empty line) every 100 ms while no line comes, so it can act.
   */
  static String awaitLine(BlockingQueue<String> queue, Predicate<String> want,
      boolean pollEachTime) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - deadline < 0) {
      String line = queue.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        if (pollEachTime && want.test("")) {
          return "";
        }
        continue;
      }
      if (want.test(line)) {
        return line;
      }
    }
    throw new AssertionError("no such line within 30 s");
  }
}
