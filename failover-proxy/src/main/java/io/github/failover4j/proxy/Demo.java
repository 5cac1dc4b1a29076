package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.Outages;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenSnapshot;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

/**
 * The built-in demo: two simulated providers, the proxy in front of them with a route for the
 * demo's model (the first provider, then the second with another model), client traffic
 * through the proxy, and a live view of the route and the tokens. Two tokens of the first
 * provider get into trouble (one runs out of quota, one is suspended with {@code 403} + {@code
 * failure: true}); the proxy ejects them, retries their requests on the others so clients see
 * no error, probes them every two seconds, and restores them when the trouble is over. Then
 * the model goes down at the first provider for every token: the target goes into outage, the
 * second provider serves, and a probe of the model brings traffic back when it recovers. Ends
 * by itself.
 */
final class Demo {
  private static final String[] TOKENS = {
      "sk-demo-alpha-0c9e51d27b3a4f6e", "sk-demo-bravo-58a1f3c0e9d24b71",
      "sk-demo-charlie-e4b7290af13c6d58", "sk-demo-delta-9d3c6b1e72a0f485"};
  /** The second provider's token. */
  static final String BACKUP_TOKEN = "sk-demo-echo-7f2a9c4e1b6d3058";
  /** The model the demo's clients ask for; the route's first target keeps it. */
  static final String MODEL = "demo-small";
  /** The model the route asks the second provider for. */
  static final String BACKUP_MODEL = "backup-small";

  private final PrintStream out;
  private final double scale;
  private final boolean console;

  private Demo(PrintStream out, double scale, boolean console) {
    this.out = out;
    this.scale = scale;
    this.console = console;
  }

  /** Runs the demo for about 24 s (on a slow machine up to 44 s); returns the exit code. */
  static int run(PrintStream out, PrintStream err) {
    return new Demo(out, 1.0, Relaunch.onTerminal()).run(err);
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
    troubles.put(TOKENS[1], new Trouble(Failure.QUOTA, m -> m >= ms(2_000) && m < ms(8_000)));
    troubles.put(TOKENS[2], new Trouble(Failure.FORBIDDEN,
        m -> m >= ms(4_000) && m < ms(10_000)));
    // then the model, for every token; back well before the end, so the return is seen
    LongPredicate modelDown = m -> m >= ms(13_000) && m < ms(16_500);
    DemoView view = new DemoView(out, console);
    try (SimulatedProvider provider = new SimulatedProvider(group, troubles, modelDown);
        SimulatedProvider backup = new SimulatedProvider(group, Map.of(), m -> false)) {
      FailoverProxy proxy = FailoverProxy.builder(config(provider.uri(), backup.uri()))
          .listen(new InetSocketAddress("127.0.0.1", 0))
          .threads(2)
          .listener(new EventLog(view::event))
          .outageListener(e -> view.event(EventLog.line(e)))
          .start();
      try {
        return drive(proxy, provider, view, timer);
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

  private GatewayConfig config(URI upstream, URI backupUpstream) {
    FailoverConfig failover = FailoverConfig.builder()
        .failureThreshold(2)
        .conditions(Condition.status(429).withBody("No quota available"),
            Condition.status(403).withHeader("failure=true"),
            Condition.status(502, 503))
        .healthCheck(new HealthCheck(Duration.ofMillis(ms(2_000)), Duration.ofSeconds(1), 1, HealthCheck.DEFAULT_CONTENT, MODEL, HealthCheck.DEFAULT_PATH,
            List.of(Condition.status(200).withBody("我是.*"))))
        .retry(RetryPolicy.of(2))
        .build();
    List<TokenSpec> tokens = java.util.Arrays.stream(TOKENS).map(TokenSpec::of).toList();
    FailoverConfig backupRules = FailoverConfig.builder()
        .conditions(Condition.status(429, 502, 503)).build();
    List<ProviderConfig> providers = List.of(
        new ProviderConfig("simulated", upstream, "/", Auth.BEARER, tokens, failover),
        new ProviderConfig("backup", backupUpstream, "/backup", Auth.BEARER,
            List.of(TokenSpec.of(BACKUP_TOKEN)), backupRules));
    RouteConfig route = new RouteConfig(MODEL, null, List.of(
        new RouteConfig.TargetConfig("simulated", null),
        new RouteConfig.TargetConfig("backup", BACKUP_MODEL)), Duration.ofSeconds(8));
    return new GatewayConfig(null, providers, ClientLimits.DEFAULTS, Limits.DEFAULT,
        ServiceConfig.DEFAULT, List.of(route), Outages.DEFAULT_OUTAGE_COOLDOWN);
  }

  /** Every provider's tokens, by provider, in the order of the file. */
  private static Map<String, List<TokenSnapshot>> tokens(FailoverProxy proxy) {
    Map<String, List<TokenSnapshot>> out = new LinkedHashMap<>();
    for (ProviderConfig p : proxy.routing().config().providers()) {
      out.put(p.name(), proxy.registry().pool(p.name()).snapshot());
    }
    return out;
  }

  /** Sends traffic, refreshes the view, and prints the summary at the end. */
  private int drive(FailoverProxy proxy, SimulatedProvider provider, DemoView view,
      ScheduledExecutorService timer) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI chat = URI.create("http://127.0.0.1:" + proxy.address().getPort()
        + "/v1/chat/completions");
    DemoView.Traffic traffic = new DemoView.Traffic();
    Routing.ModelRoute route = proxy.routing().modelRoute(MODEL);
    view.header(proxy.address(), chat, MODEL, route.fallback().targets().stream()
        .map(t -> t.name(MODEL)).toList());
    timer.scheduleAtFixedRate(() -> {
      int n = traffic.sent.incrementAndGet();
      boolean stream = n % 10 == 0;
      String body = "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{"
          + "\"role\":\"user\",\"content\":\"Say hello (request " + n + ")\"}]}";
      client.sendAsync(HttpRequest.newBuilder(chat)
              .header("Authorization", "Bearer client-key")
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> {
            if (e != null) {
              traffic.errors.increment();
            } else {
              traffic.statuses.computeIfAbsent(r.statusCode(), s -> new LongAdder()).increment();
              r.headers().firstValue("x-failover-target").ifPresent(t ->
                  traffic.servedBy.computeIfAbsent(t, k -> new LongAdder()).increment());
              if (stream && r.statusCode() == 200 && r.body().contains("[DONE]")) {
                traffic.streamed.increment();
              }
            }
          });
    }, 0, ms(100), TimeUnit.MILLISECONDS);
    // 24 s of the provider's time (its troubles count from its first request), and not while
    // the model is out: the demo ends a moment after the return, at the latest 20 s late
    long refresh = TimeUnit.MILLISECONDS.toNanos(ms(console ? 1_000 : 3_000));
    long settle = TimeUnit.MILLISECONDS.toNanos(ms(1_000));
    long start = System.nanoTime();
    long hardEnd = start + TimeUnit.MILLISECONDS.toNanos(ms(44_000));
    long nextRender = start;
    long lastOutage = start - settle;
    while (true) {
      long now = System.nanoTime();
      List<Outages.Snapshot> outages = proxy.outages().snapshot();
      if (now - nextRender >= 0) {
        view.render(tokens(proxy), outages, traffic);
        nextRender = now + refresh;
      }
      if (!outages.isEmpty()) {
        lastOutage = now;
      }
      if ((provider.demoMillis() >= ms(24_000) && now - lastOutage >= settle)
          || now - hardEnd >= 0) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(ms(50));
    }
    timer.shutdown();
    timer.awaitTermination(2, TimeUnit.SECONDS);
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (traffic.answered() + traffic.errors.sum() < traffic.sent.get()
        && System.nanoTime() < waitUntil) {
      TimeUnit.MILLISECONDS.sleep(20); // the last requests are still on their way back
    }
    view.render(tokens(proxy), proxy.outages().snapshot(), traffic);
    view.summary(tokens(proxy), traffic);
    return 0;
  }
}
