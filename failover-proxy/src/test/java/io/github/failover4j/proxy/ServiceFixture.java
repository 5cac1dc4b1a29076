package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.test.ManualClock;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.spi.TokenEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A proxy started from a gateway file (YAML written to a temporary folder) in front of a
 * {@link TestUpstream}, with engine time on a {@link ManualClock}. Keeps everything the proxy
 * says (operator log, access log, event log lines, every response it gave), so a test can scan
 * all of it for secrets.
 */
final class ServiceFixture implements AutoCloseable {
  /** Tokens used by the service tests; none may ever appear in any output. */
  static final String TOKEN_A = "sk-svc-aaaaaaaaaaaaaaaaaaaaaa01";
  static final String TOKEN_B = "sk-svc-bbbbbbbbbbbbbbbbbbbbbb02";
  static final String TOKEN_C = "sk-svc-cccccccccccccccccccccc03";
  static final String CLIENT_KEY_1 = "ck-team-one-1111111111111111111111";
  static final String CLIENT_KEY_2 = "ck-team-two-2222222222222222222222";
  static final String ADMIN_KEY = "adm-key-99999999999999999999999999";
  static final List<String> SECRETS = List.of(TOKEN_A, TOKEN_B, TOKEN_C, CLIENT_KEY_1,
      CLIENT_KEY_2, ADMIN_KEY);

  final TestUpstream upstream;
  final Path file;
  final ManualClock clock = new ManualClock();
  final BlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();
  final List<String> operatorLog = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> accessLog = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> eventLog = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Every response (status, headers, body) the proxy gave in this test. */
  final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  final FailoverProxy proxy;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param dir a temporary folder for the gateway file
   * @param yaml the gateway file; {@code %UPSTREAM%} is replaced by the upstream's URI
   */
  ServiceFixture(TestUpstream upstream, Path dir, String yaml) throws Exception {
    this(upstream, dir, yaml, System::getenv);
  }

  ServiceFixture(TestUpstream upstream, Path dir, String yaml,
      java.util.function.Function<String, String> env) throws Exception {
    this.upstream = upstream;
    this.file = dir.resolve("gateway.yaml");
    write(yaml);
    GatewayConfig config = GatewayConfig.load(file, env);
    proxy = FailoverProxy.builder(config)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock)
        .ticker(clock)
        .threads(2)
        .listener(events::add)
        .listener(new EventLog(eventLog::add))
        .configFile(file)
        .operatorLog(operatorLog::add)
        .accessLog(accessLog::add)
        .start();
  }

  void write(String yaml) throws IOException {
    Files.writeString(file, yaml.replace("%UPSTREAM%", upstream.uri().toString()),
        StandardCharsets.UTF_8);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + proxy.address().getPort() + path);
  }

  /** Sends a request with {@code headers} (name, value, name, value…) and keeps the answer. */
  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    seen.add(r.statusCode() + " " + r.headers().map() + "\n" + r.body());
    return r;
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> post(String path, String... headers)
      throws IOException, InterruptedException {
    return send("POST", path, null, headers);
  }

  /** A chat completion for {@code model} with {@code headers}. */
  HttpResponse<String> chat(String model, String... headers)
      throws IOException, InterruptedException {
    List<String> h = new ArrayList<>(List.of(headers));
    h.add("Content-Type");
    h.add("application/json");
    return send("POST", "/v1/chat/completions", "{\"model\":\"" + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", h.toArray(new String[0]));
  }

  /** The next event of {@code kind}, skipping others; fails after 10 s. */
  TokenEvent await(TokenEvent.Kind kind) throws InterruptedException {
    return ProxyHarness.await(events, kind);
  }

  /** Waits (polling, 10 s at most) until {@code condition} holds. */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 10 s: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll again in 1 ms
    }
  }

  /** Advances engine time to the next scheduled engine task (a probe or a cooldown's end). */
  void advanceToNextTask() {
    eventually("an engine task is scheduled", () -> clock.pendingTasks() > 0);
    clock.advance(Duration.ofNanos(clock.pendingDueTimes().get(0) - clock.nanoTime()));
  }

  /** Everything the proxy said in this test, for secret scans. */
  String everything() {
    List<String> all = new ArrayList<>();
    synchronized (seen) {
      all.addAll(seen);
    }
    all.addAll(operatorLog);
    all.addAll(accessLog);
    all.addAll(eventLog);
    all.add(proxy.service().metrics().scrape());
    all.add(proxy.toString());
    all.add(proxy.routing().toString());
    return String.join("\n", all);
  }

  /** Fails if any token, client key or admin key appears in anything the proxy said. */
  void assertNoSecretAnywhere() {
    String all = everything();
    for (String s : SECRETS) {
      assertThat(all).as("a secret in the proxy's output").doesNotContain(s);
    }
  }

  static String basic(String user, String password) {
    return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  static Map<String, String> headers(String... nv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < nv.length; i += 2) {
      m.put(nv[i], nv[i + 1]);
    }
    return m;
  }

  @Override
  public void close() {
    proxy.shutdown(Duration.ofSeconds(5)).join();
    upstream.close();
  }
}
