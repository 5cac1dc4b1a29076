package io.github.failover4j.proxy;

import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.micrometer.FailoverMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The proxy's meters in a Prometheus registry, served as text at {@code GET /metrics}: every
 * pool's token meters ({@code failover_token_*}, from {@code failover-micrometer}'s {@link
 * FailoverMetrics}, see {@code docs/metrics.md}) and the proxy's own. Tags stay bounded:
 * provider names, client names, status classes, masked ids; never a path, a model, a token or
 * a key.
 *
 * <ul>
 *   <li>{@code failover_proxy_requests_seconds} (timer, percentile histogram): each answered
 *       request, by {@code provider}, {@code client} and {@code status} class ({@code 2xx} …
 *       {@code 5xx}, {@code aborted} when the connection ended first);
 *   <li>{@code failover_proxy_retries_total}: attempts beyond the first, by {@code provider};
 *   <li>{@code failover_proxy_targets_in_outage}: route targets (provider and model) in outage
 *       now (SPEC §9); which ones, and why, is in {@code /_failover/status}.
 * </ul>
 */
final class ProxyMetrics {
  /** The client tag when no client keys are configured. */
  static final String NO_CLIENT = "none";
  /** The client tag of a request refused for want of a valid client key. */
  static final String UNAUTHENTICATED = "unauthenticated";
  /** The provider tag of a request no provider serves. */
  static final String NO_PROVIDER = "none";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(
      PrometheusConfig.DEFAULT);
  private final FailoverMetrics pools;
  /**
   * The meters already registered, by provider and client, then by status class index: a
   * request looks its meter up without building tags and ids each time (both sets are bounded
   * by the configuration).
   */
  private final Map<String, Map<String, AtomicReferenceArray<Timer>>> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();

  /** @param pools the proxy's pools, whose token meters join the registry */
  ProxyMetrics(FailoverRegistry pools) {
    this.pools = FailoverMetrics.of(pools);
    this.pools.bindTo(registry);
  }

  /** The registry (for tests and embedders who add their own meters). */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Registers the gauge of the route targets in outage. */
  void outages(io.github.failover4j.core.Outages outages) {
    Gauge.builder("failover.proxy.targets.in.outage", outages, o -> o.snapshot().size())
        .description("Route targets (provider and model) in outage now")
        .register(registry);
  }

  /** Brings the token meters in line with the pools, after a start or a reload. */
  void refresh() {
    pools.refresh();
  }

  /**
   * Counts one answered request.
   *
   * @param status the HTTP status sent, or 0 when the connection ended before an answer
   * @param attempts upstream attempts made (0 when none was made)
   */
  void request(String provider, String client, int status, long nanos, int attempts) {
    AtomicReferenceArray<Timer> byClass = timers.computeIfAbsent(provider,
        p -> new ConcurrentHashMap<>()).computeIfAbsent(client,
        c -> new AtomicReferenceArray<>(STATUS_CLASSES));
    int i = statusClassIndex(status);
    Timer timer = byClass.get(i);
    if (timer == null) {
      // a racing thread may register the same meter: the registry hands both the same one
      timer = Timer.builder("failover.proxy.requests")
          .description("Requests answered by the proxy, from request head to last byte")
          .tags("provider", provider, "client", client, "status", statusClass(status))
          .publishPercentileHistogram()
          .register(registry);
      byClass.set(i, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
    if (attempts > 1) {
      retries.computeIfAbsent(provider, p -> Counter.builder("failover.proxy.retries")
          .description("Upstream attempts beyond the first")
          .tags("provider", p)
          .register(registry)).increment(attempts - 1);
    }
  }

  /** {@code aborted}, {@code 1xx} … {@code 5xx}. */
  private static final int STATUS_CLASSES = 6;

  private static int statusClassIndex(int status) {
    return status < 100 || status > 599 ? 0 : status / 100;
  }

  static String statusClass(int status) {
    return status < 100 || status > 599 ? "aborted" : (status / 100) + "xx";
  }

  /** The registry in Prometheus' text format. */
  String scrape() {
    return registry.scrape();
  }

  void close() {
    pools.close();
    registry.close();
  }
}
