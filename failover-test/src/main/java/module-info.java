/**
 * Test support for failover4j users and adapters: {@link io.github.failover4j.test.ManualClock},
 * a ticker and scheduler whose time moves only when a test says so. Add it in test scope; it
 * depends on the SPI only.
 */
module io.github.failover4j.test {
  requires transitive io.github.failover4j.spi;

  exports io.github.failover4j.test;
}
