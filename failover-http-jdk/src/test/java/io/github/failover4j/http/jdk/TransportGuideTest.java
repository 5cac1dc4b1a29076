package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Transport;
import io.github.failover4j.spi.TransportProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The example transport of docs/transports.md, verbatim, working against a loopback server. */
class TransportGuideTest {

  // --- docs/transports.md example starts
  /** The transport named "my-http"; list it in META-INF/services and module-info. */
  public static final class MyHttpTransportProvider implements TransportProvider {
    @Override
    public String name() {
      return "my-http";
    }

    @Override
    public Transport open() {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "my-http-failover-timer");
        t.setDaemon(true); // never keeps the application alive
        return t;
      });
      HttpClient http = HttpClient.newHttpClient(); // stands for your HTTP library
      return new Transport() {
        @Override
        public ProbeTransport prober() {
          return probe -> send(http, probe);
        }

        @Override
        public Scheduler scheduler() {
          return (task, delay, unit) -> {
            ScheduledFuture<?> f = timer.schedule(task, delay, unit);
            return () -> f.cancel(false);
          };
        }

        @Override
        public void close() {
          timer.shutdownNow();
        }
      };
    }

    /** Sends one probe; never throws: a failure completes the stage exceptionally. */
    static CompletionStage<ResponseView> send(HttpClient http, ProbeRequest probe) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(probe.uri())
            .timeout(probe.timeout())
            .method(probe.method(), HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        probe.headers().forEach(request::setHeader); // the token is in the auth header
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
            .thenApply(r -> new ResponseView() {
              @Override
              public int status() {
                return r.statusCode();
              }

              @Override
              public String header(String name) {
                return r.headers().firstValue(name).orElse(null);
              }

              @Override
              public byte[] body(int maxBytes) {
                return java.util.Arrays.copyOf(r.body(), Math.min(maxBytes, r.body().length));
              }
            });
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }
  // --- docs/transports.md example ends

  @Test
  void theGuidesTransportProbesAndSchedules() throws Exception {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] answer = ("auth=" + ex.getRequestHeaders().getFirst("Authorization"))
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    server.start();
    try (Transport transport = new MyHttpTransportProvider().open()) {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat");
      ResponseView view = transport.prober().send(new ProbeRequest("POST", uri,
              Map.of("Authorization", "Bearer sk-guide"), new byte[0], Duration.ofSeconds(10),
              1024))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(view.status()).isEqualTo(200);
      assertThat(new String(view.body(1024), StandardCharsets.UTF_8))
          .isEqualTo("auth=Bearer sk-guide");
      assertThat(view.body(4)).hasSize(4);

      CountDownLatch ran = new CountDownLatch(1);
      transport.scheduler().schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      Scheduler.Cancellable never = transport.scheduler().schedule(
          () -> {
            throw new AssertionError("cancelled");
          }, 1, TimeUnit.HOURS);
      never.cancel();

      // a pool takes it like a shipped one
      try (TokenPool pool = TokenPool.builder("guide").tokens("sk-test-aaaaaaaaaaaa1111")
          .upstream(uri).transport(transport).build()) {
        assertThat(pool.select().authorization()).isEqualTo("Bearer sk-test-aaaaaaaaaaaa1111");
      }
    } finally {
      server.stop(0);
    }
  }
}
