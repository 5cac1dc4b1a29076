package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.proxy.SimulatedProvider.Failure;
import io.github.failover4j.proxy.SimulatedProvider.Trouble;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in demo: a simulated provider with four tokens, the proxy in front of it, client
 * traffic through the proxy, and a live view of the tokens. Two tokens get into trouble (one
 * runs out of quota, one is suspended with {@code 403} + {@code failure: true}); the proxy
 * ejects them, retries their requests on the others so clients see no error, probes them
 * every two seconds, and restores them when the trouble is over. Ends by itself.
 */
final class Demo {
  private static final String[] TOKENS = {
      "sk-demo-alpha-0c9e51d27b3a4f6e", "sk-demo-bravo-58a1f3c0e9d24b71",
      "sk-demo-charlie-e4b7290af13c6d58", "sk-demo-delta-9d3c6b1e72a0f485"};

  private final PrintStream out;
  private final double scale;
  private final boolean console;

  private Demo(PrintStream out, double scale, boolean console) {
    this.out = out;
    this.scale = scale;
    this.console = console;
  }

  /** Runs the demo for about 24 s; returns the exit code. */
  static int run(PrintStream out, PrintStream err) {
    return new Demo(out, 1.0, System.console() != null).run(err);
  }

  /** Runs the demo with every duration multiplied by {@code scale}, for tests. */
  static int run(PrintStream out, PrintStream err, double scale, boolean console) {
    return new Demo(out, scale, console).run(err);
  }

  private long ms(long millis) {
    return Math.max(1, Math.round(millis * scale));
  }

  private int run(PrintStream err) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-traffic");
      t.setDaemon(true);
      return t;
    });
    Map<String, Trouble> troubles = new LinkedHashMap<>();
    troubles.put(TOKENS[1], new Trouble(Failure.QUOTA, m -> m >= ms(2_000) && m < ms(11_000)));
    troubles.put(TOKENS[2], new Trouble(Failure.FORBIDDEN,
        m -> m >= ms(5_000) && m < ms(15_000)));
    DemoView view = new DemoView(out, console);
    try (SimulatedProvider provider = new SimulatedProvider(group, troubles)) {
      FailoverProxy proxy = FailoverProxy.builder(config(provider.uri()))
          .listen(new InetSocketAddress("127.0.0.1", 0))
          .threads(2)
          .listener(new EventLog(view::event))
          .start();
      try {
        return drive(proxy, view, timer);
      } finally {
        proxy.shutdown(Duration.ofSeconds(2)).join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      err.println("demo failed: " + e);
      return 1;
    } finally {
      timer.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static long answered(Map<Integer, LongAdder> statuses) {
    return statuses.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private GatewayConfig config(URI upstream) {
    FailoverConfig failover = FailoverConfig.builder()
        .failureThreshold(2)
        .conditions(Condition.status(429).withBody("No quota available"),
            Condition.status(403).withHeader("failure=true"),
            Condition.status(502, 503))
        .healthCheck(new HealthCheck(Duration.ofMillis(ms(2_000)), Duration.ofMillis(ms(1_000)),
            1, HealthCheck.DEFAULT_CONTENT, "demo-small", HealthCheck.DEFAULT_PATH,
            List.of(Condition.status(200).withBody("我是.*"))))
        .retry(RetryPolicy.of(2))
        .build();
    List<TokenSpec> tokens = java.util.Arrays.stream(TOKENS).map(TokenSpec::of).toList();
    return new GatewayConfig(null, List.of(new ProviderConfig("simulated", upstream, "/",
        Auth.BEARER, tokens, failover)));
  }

  /** Sends traffic, refreshes the view, and prints the summary at the end. */
  private int drive(FailoverProxy proxy, DemoView view, ScheduledExecutorService timer)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI chat = URI.create("http://127.0.0.1:" + proxy.address().getPort()
        + "/v1/chat/completions");
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    LongAdder streamed = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicInteger sent = new AtomicInteger();
    TokenPool pool = proxy.registry().pool("simulated");
    view.header(proxy.address(), chat);
    timer.scheduleAtFixedRate(() -> {
      int n = sent.incrementAndGet();
      boolean stream = n % 10 == 0;
      String body = "{\"model\":\"demo-small\",\"stream\":" + stream + ",\"messages\":[{"
          + "\"role\":\"user\",\"content\":\"Say hello (request " + n + ")\"}]}";
      client.sendAsync(HttpRequest.newBuilder(chat)
              .header("Authorization", "Bearer client-key")
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> {
            if (e != null) {
              errors.increment();
            } else {
              statuses.computeIfAbsent(r.statusCode(), s -> new LongAdder()).increment();
              if (stream && r.statusCode() == 200 && r.body().contains("[DONE]")) {
                streamed.increment();
              }
            }
          });
    }, 0, ms(100), TimeUnit.MILLISECONDS);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms(24_000));
    long refresh = ms(console ? 1_000 : 3_000);
    while (System.nanoTime() < end) {
      view.render(pool.snapshot(), sent.get(), statuses, errors.sum());
      TimeUnit.MILLISECONDS.sleep(Math.min(refresh,
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    }
    timer.shutdown();
    timer.awaitTermination(2, TimeUnit.SECONDS);
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (answered(statuses) + errors.sum() < sent.get() && System.nanoTime() < waitUntil) {
      TimeUnit.MILLISECONDS.sleep(20); // the last requests are still on their way back
    }
    view.render(pool.snapshot(), sent.get(), statuses, errors.sum());
    view.summary(pool.snapshot(), sent.get(), statuses, streamed.sum(), errors.sum());
    return 0;
  }
}
