package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proxy's meters in a Prometheus registry, served as text at {@code GET /metrics}. Tags
 * stay bounded: provider names, client names, status classes and event kinds, never a path, a
 * model, a token or a key.
 *
 * <ul>
 *   <li>{@code failover_proxy_requests_seconds} (timer, percentile histogram): each answered
 *       request, by {@code provider}, {@code client} and {@code status} class ({@code 2xx} …
 *       {@code 5xx}, {@code aborted} when the connection ended first);
 *   <li>{@code failover_proxy_retries_total}: attempts beyond the first, by {@code provider};
 *   <li>{@code failover_proxy_tokens}: tokens per {@code provider} and {@code state};
 *   <li>{@code failover_proxy_token_events_total}: ejections, restores, disables, probe
 *       results and held-back ejections, by {@code provider} and {@code event}.
 * </ul>
 *
 * <p>Pools are bound through {@link #bind(TokenPool)}: the one place where a pool's own meters
 * (the {@code failover-micrometer} binder) join the registry.
 */
final class ProxyMetrics implements TokenListener {
  /** The client tag when no client keys are configured. */
  static final String NO_CLIENT = "none";
  /** The client tag of a request refused for want of a valid client key. */
  static final String UNAUTHENTICATED = "unauthenticated";
  /** The provider tag of a request no provider serves. */
  static final String NO_PROVIDER = "none";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(
      PrometheusConfig.DEFAULT);
  private final Supplier<Routing> routing;
  private final Set<String> boundProviders = ConcurrentHashMap.newKeySet();

  /** @param routing the configuration in force, read when gauges are scraped */
  ProxyMetrics(Supplier<Routing> routing) {
    this.routing = routing;
  }

  /** The registry (for tests and embedders who add their own meters). */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Adds {@code pool}'s meters; returns the pool. Gauges read the pool of that provider name
   * in the routing in force, so a pool replaced by a reload is measured without re-binding.
   */
  TokenPool bind(TokenPool pool) {
    String provider = pool.name();
    if (boundProviders.add(provider)) {
      for (TokenState state : TokenState.values()) {
        Gauge.builder("failover.proxy.tokens", () -> count(provider, state))
            .description("Tokens of a provider in a state")
            .tags("provider", provider, "state", state.name().toLowerCase(Locale.ROOT))
            .register(registry);
      }
    }
    return pool;
  }

  private double count(String provider, TokenState state) {
    Routing r = routing.get();
    Route route = r == null ? null : r.provider(provider);
    if (route == null) {
      return 0;
    }
    int n = 0;
    for (TokenSnapshot t : route.pool().snapshot()) {
      if (t.state() == state) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void onEvent(TokenEvent e) {
    Counter.builder("failover.proxy.token.events")
        .description("Token state changes and probe results")
        .tags("provider", e.pool(), "event", e.kind().name().toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  /**
   * Counts one answered request.
   *
   * @param status the HTTP status sent, or 0 when the connection ended before an answer
   * @param attempts upstream attempts made (0 when none was made)
   */
  void request(String provider, String client, int status, long nanos, int attempts) {
    Timer.builder("failover.proxy.requests")
        .description("Requests answered by the proxy, from request head to last byte")
        .tags("provider", provider, "client", client, "status", statusClass(status))
        .publishPercentileHistogram()
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    if (attempts > 1) {
      Counter.builder("failover.proxy.retries")
          .description("Upstream attempts beyond the first")
          .tags("provider", provider)
          .register(registry).increment(attempts - 1);
    }
  }

  static String statusClass(int status) {
    return status < 100 || status > 599 ? "aborted" : (status / 100) + "xx";
  }

  /** The registry in Prometheus' text format. */
  String scrape() {
    return registry.scrape();
  }

  void close() {
    registry.close();
  }
}
