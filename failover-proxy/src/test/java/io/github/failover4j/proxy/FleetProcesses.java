package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.TokenSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Proxy replicas as real processes (a JVM each, on the test class path, like {@link
 * ProxyProcessTest}), each with {@code fleet:} on the same Redis: for {@link FleetProcessTest}
 * and the {@link FleetPropagation} measurement.
 */
final class FleetProcesses {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  private FleetProcesses() {}

  /** One replica: its process and its port. */
  record Replica(String id, int port, ProxyProcessTest.ProxyProcess process)
      implements AutoCloseable {

    /** Starts replica {@code id} of the gateway file {@link FleetProxyTest#gateway}. */
    static Replica start(Path dir, String id, URI upstream, String redisUri, String period)
        throws IOException {
      Path config = dir.resolve(id + ".yaml");
      Files.writeString(config, FleetProxyTest.gateway(upstream, redisUri, id, period));
      int port = ProxyProcessTest.freePort();
      ProxyProcessTest.ProxyProcess p = new ProxyProcessTest.ProxyProcess(ProxyProcessTest.java(
          "--config", config.toString(), "--listen", "127.0.0.1:" + port));
      Replica r = new Replica(id, port, p);
      p.awaitLine(l -> l.contains("listening on"), "saying it listens");
      await(id + " reached Redis", () -> r.status().path("fleet").path("reachable")
          .asBoolean());
      return r;
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException,
        InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(uri(path))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> chat() throws IOException, InterruptedException {
      return post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
    }

    /** {@code /_failover/status}; a JSON null node when it cannot be read. */
    JsonNode status() {
      try {
        HttpResponse<String> r = get("/_failover/status");
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.nullNode();
      } catch (IOException e) {
        return JSON.nullNode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return JSON.nullNode();
      }
    }

    /** The state of {@code secret}'s token in this replica's status, or "" when unknown. */
    String state(String secret) {
      return token(status(), secret).path("state").asText();
    }

    @Override
    public void close() {
      process.close();
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /** {@code secret}'s token in a status tree (missing node when absent). */
  static JsonNode token(JsonNode status, String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    for (JsonNode t : status.path("providers").path(0).path("tokens")) {
      if (t.path("fingerprint").asText().equals(fp)) {
        return t;
      }
    }
    return JSON.missingNode();
  }

  /** Polls every millisecond until {@code condition} holds; fails after 30 s. */
  static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Whether {@code state} of {@code secret} on {@code r} satisfies {@code p}. */
  static boolean stateIs(Replica r, String secret, Predicate<String> p) {
    return p.test(r.state(secret));
  }
}
