package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.test.ManualClock;
import io.github.failover4j.spi.TokenEvent;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A proxy in front of a {@link TestUpstream}, with engine time on a {@link ManualClock}, every
 * token event queued and every log line kept.
 */
final class ProxyHarness implements AutoCloseable {
  final TestUpstream upstream;
  final ManualClock clock = new ManualClock();
  final BlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final FailoverProxy proxy;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ProxyHarness(TestUpstream upstream, String prefix, FailoverConfig config, String... tokens)
      throws InterruptedException {
    this(upstream, upstream.uri(), prefix, config, tokens);
  }

  ProxyHarness(TestUpstream upstream, URI upstreamUri, String prefix, FailoverConfig config,
      String... tokens) throws InterruptedException {
    this(upstream, upstreamUri, null, prefix, config, tokens);
  }

  /** With {@code ssl} toward an https upstream; {@code null}: the proxy's default context. */
  ProxyHarness(TestUpstream upstream, URI upstreamUri, SslContext ssl, String prefix,
      FailoverConfig config, String... tokens) throws InterruptedException {
    this(upstream, upstreamUri, ssl, ClientLimits.DEFAULTS, prefix, config, tokens);
  }

  /** With {@code limits} on the proxy's clients. */
  ProxyHarness(TestUpstream upstream, ClientLimits limits, FailoverConfig config,
      String... tokens) throws InterruptedException {
    this(upstream, upstream.uri(), null, limits, "/", config, tokens);
  }

  private ProxyHarness(TestUpstream upstream, URI upstreamUri, SslContext ssl,
      ClientLimits limits, String prefix, FailoverConfig config, String... tokens)
      throws InterruptedException {
    this.upstream = upstream;
    List<TokenSpec> specs = new ArrayList<>();
    for (String t : tokens) {
      specs.add(TokenSpec.of(t));
    }
    GatewayConfig gateway = new GatewayConfig(null, List.of(new ProviderConfig("test",
        upstreamUri, prefix, Auth.BEARER, specs, config)));
    EventLog eventLog = new EventLog(log::add);
    FailoverProxy.Builder builder = FailoverProxy.builder(gateway)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock)
        .ticker(clock)
        .threads(2)
        .listener(events::add)
        .listener(eventLog)
        .clientLimits(limits);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    proxy = builder.start();
  }

  /** The proxy's port. */
  int port() {
    return proxy.address().getPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + proxy.address().getPort() + path);
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Bearer client-key")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> chat() throws IOException, InterruptedException {
    return post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}]}");
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The next event of {@code kind}, skipping others; fails after 10 s. */
  TokenEvent await(TokenEvent.Kind kind) throws InterruptedException {
    return await(events, kind);
  }

  /** The next event of {@code kind} in {@code events}, skipping others; fails after 10 s. */
  static TokenEvent await(BlockingQueue<TokenEvent> events, TokenEvent.Kind kind)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      TokenEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no " + kind + " event within 10 s");
      }
      if (e.kind() == kind) {
        return e;
      }
    }
  }

  /**
   * Advances engine time to the next scheduled engine task (a probe), first waiting for one to
   * be scheduled: a probe's result is announced just before the next one is scheduled.
   */
  void advanceToNextTask() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (clock.pendingTasks() == 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no engine task was scheduled within 10 s");
      }
      Thread.onSpinWait();
    }
    clock.advance(Duration.ofNanos(clock.pendingDueTimes().get(0) - clock.nanoTime()));
  }

  /** Advances engine time. */
  void advance(Duration d) {
    clock.advance(d);
  }

  @Override
  public void close() {
    proxy.shutdown(Duration.ofSeconds(5)).join();
    upstream.close();
  }
}
