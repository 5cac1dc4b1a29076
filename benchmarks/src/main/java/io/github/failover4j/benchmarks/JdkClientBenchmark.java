package io.github.failover4j.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.http.jdk.FailoverHttpClient;
import io.github.failover4j.http.jdk.JdkTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A loopback round trip through {@link FailoverHttpClient} beside the same round trip through
 * a plain {@link HttpClient}: one small JSON chat-completion POST, one 350 B JSON answer with
 * status 200, from the JDK's own HTTP server on 127.0.0.1.
 *
 * <p>Both clients are built by the same method (HTTP/1.1 forced, the same executor), each keeps
 * its one keep-alive connection, and both send the same request with the same body handler
 * ({@code ofString}); the plain client's request carries a fixed {@code Authorization} header,
 * as an application without failover would send it. The only difference is the adapter: a
 * token selected per request, the request copied with the token's header, the response judged
 * and recorded. The failover rules ({@code rules}) never match the 200, so every response is a
 * success and no retry or ejection happens.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Off by default in the JDK's server: headers and body leave in two writes, and Nagle's
// algorithm would hold the body back until the client's delayed ACK (~40 ms per request).
@Fork(jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class JdkClientBenchmark {
  static final String PATH = "/v1/chat/completions";

  /** The request body: a small chat completion. */
  static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":"
      + "[{\"role\":\"user\",\"content\":\"Say hi in five words.\"}],\"max_tokens\":16}";

  /** The answer: a typical non-streamed chat completion, 350 bytes. */
  static final byte[] RESPONSE = ("{\"id\":\"chatcmpl-8c1f0a4b2d9e4f7a\",\"object\":\"chat.completion\","
      + "\"created\":1762251330,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi there, how are you?\"},"
      + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":14,"
      + "\"completion_tokens\":7,\"total_tokens\":21},\"system_fingerprint\":\"fp_0ba0d124f1\"}")
      .getBytes(StandardCharsets.UTF_8);

  static final String[] TOKENS = {
      "sk-bench-0123456789abcdef1000", "sk-bench-0123456789abcdef1001",
      "sk-bench-0123456789abcdef1002", "sk-bench-0123456789abcdef1003"};

  /** The loopback server and the plain client; shared by both benchmarks. */
  @State(Scope.Benchmark)
  public static class Loopback {
    /**
     * The clients' executor. {@code default}: the JDK's own (a cached pool), as applications
     * run it. {@code direct} ({@code Runnable::run}) is a diagnostic only, not a setting to
     * deploy: it runs everything on the client's selector thread, which takes the JDK's
     * hand-offs to its executor out of the round trip (see the README).
     */
    @Param({"default"})
    public String executor;

    private HttpServer server;
    private ExecutorService serverThreads;
    URI uri;
    HttpClient plain;
    HttpRequest plainRequest;

    /** Starts the server on an ephemeral port and checks one plain round trip. */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
      serverThreads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "bench-http-server");
        t.setDaemon(true);
        return t;
      });
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(PATH, Loopback::answer);
      server.setExecutor(serverThreads);
      server.start();
      uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
      plain = newClient();
      plainRequest = request(uri).header("Authorization", "Bearer " + TOKENS[0]).build();
      HttpResponse<String> r = plain.send(plainRequest, BodyHandlers.ofString());
      expect(r.statusCode() == 200 && r.body().length() == RESPONSE.length,
          "the server answers 200 with the body: " + r);
      expect(r.version() == HttpClient.Version.HTTP_1_1, "HTTP/1.1: " + r.version());
    }

    private static void answer(HttpExchange exchange) throws IOException {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes(); // read to the end, or the connection is not reused
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("x-request-id", "req_8c1f0a4b2d9e4f7a");
      exchange.getResponseHeaders().set("openai-processing-ms", "412");
      exchange.sendResponseHeaders(200, RESPONSE.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(RESPONSE);
      }
    }

    /** Stops the server at once: the clients' connections are closed with it. */
    @TearDown(Level.Trial)
    public void tearDown() {
      server.stop(0);
      serverThreads.shutdownNow();
    }

    /** The client both sides use: HTTP/1.1 (no upgrade attempt), defaults otherwise. */
    HttpClient newClient() {
      HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
      switch (executor) {
        case "default" -> { }
        case "direct" -> b.executor(Runnable::run);
        default -> throw new IllegalArgumentException("no executor named " + executor);
      }
      return b.build();
    }
  }

  /** The same client wrapped in failover, with a pool of four tokens under {@code rules}. */
  @State(Scope.Benchmark)
  public static class Failover {
    /**
     * {@code status}: status-only rules, the body is never inspected. {@code seed}: the seed's
     * rules (SPEC §3), whose body condition has no status clause, so every 200 body is copied
     * aside as it flows and searched. {@code seed-retry}: the same with {@code
     * RetryPolicy.of(2)}, so the body is held back until judged (a failure could be retried).
     */
    @Param({"status", "seed", "seed-retry"})
    public String rules;

    private JdkTransport transport;
    private TokenPool pool;
    FailoverHttpClient client;
    HttpRequest request;

    /** Builds the pool and the wrapped client, and checks one round trip is a success. */
    @Setup(Level.Trial)
    public void setUp(Loopback loopback) throws IOException, InterruptedException {
      FailoverConfig.Builder config = FailoverConfig.builder()
          .failureThreshold(3)
          .cooldown(Duration.ofSeconds(30)); // no health check: a cooldown brings tokens back
      switch (rules) {
        case "status" -> config.conditions(Condition.status(429), Condition.status(502, 503));
        case "seed", "seed-retry" -> config.conditions(
            Condition.status(403).withHeader("failure=true"),
            Condition.status(502, 503),
            Condition.body("No quota available"));
        default -> throw new IllegalArgumentException("no rules named " + rules);
      }
      if (rules.equals("seed-retry")) {
        config.retry(RetryPolicy.of(2));
      }
      transport = JdkTransport.create(loopback.newClient());
      pool = TokenPool.builder("bench").tokens(TOKENS).config(config.build())
          .transport(transport).build();
      client = FailoverHttpClient.builder().pool(pool).httpClient(loopback.newClient()).build();
      request = request(loopback.uri).build();
      HttpResponse<String> r = client.send(request, BodyHandlers.ofString());
      expect(r.statusCode() == 200 && r.body().length() == RESPONSE.length,
          "the failover client gets the body: " + r);
      expect(r.version() == HttpClient.Version.HTTP_1_1, "HTTP/1.1: " + r.version());
    }

    /** Logs how the requests spread over the tokens; fails if any response was a failure. */
    @TearDown(Level.Trial)
    public void tearDown() {
      long failures = 0;
      StringBuilder perToken = new StringBuilder();
      for (TokenSnapshot s : pool.snapshot()) {
        failures += s.failures() + s.ejections();
        perToken.append(perToken.length() == 0 ? "" : " + ").append(s.requests());
      }
      System.out.println("[rules=" + rules + "] requests per token " + perToken + ", "
          + failures + " failures or ejections");
      expect(failures == 0, "every response was a success");
      pool.close();
      transport.close();
    }
  }


  static HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString(REQUEST));
  }

  static void expect(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("benchmark setup is wrong: " + what);
    }
  }

  /** The baseline: the plain client, its request carrying a fixed key. */
  @Benchmark
  public String plain(Loopback l) throws IOException, InterruptedException {
    return l.plain.send(l.plainRequest, BodyHandlers.ofString()).body();
  }

  /** The same round trip through {@link FailoverHttpClient}. */
  @Benchmark
  public String failover(Failover f) throws IOException, InterruptedException {
    return f.client.send(f.request, BodyHandlers.ofString()).body();
  }
}
