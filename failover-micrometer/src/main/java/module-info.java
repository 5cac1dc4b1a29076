/**
 * Micrometer metrics for failover4j token pools: {@link
 * io.github.failover4j.micrometer.FailoverMetrics} binds every token's state, consecutive
 * failures and totals to a {@code MeterRegistry}, tagged with the masked id, never the token.
 * See {@code docs/metrics.md} for every meter.
 */
module io.github.failover4j.micrometer {
  requires transitive io.github.failover4j.core;
  // micrometer-core has a stable Automatic-Module-Name (micrometer.core), no module-info
  requires transitive micrometer.core;

  exports io.github.failover4j.micrometer;
}
