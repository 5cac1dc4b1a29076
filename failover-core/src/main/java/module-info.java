/**
 * The failover4j rules engine: configuration ({@link io.github.failover4j.core.FailoverConfig}),
 * the lock-free {@link io.github.failover4j.core.TokenPool} and its state machine, health
 * checking, retry planning, routes of fallback targets and their outage state ({@link
 * io.github.failover4j.core.FallbackRoute}), a {@link io.github.failover4j.core.FailoverRegistry
 * registry} of named pools, and transport discovery ({@link
 * io.github.failover4j.core.Transports}). {@code io.github.failover4j.core.testing} holds a
 * manual clock for deterministic tests.
 */
module io.github.failover4j.core {
  requires transitive io.github.failover4j.spi;
  requires re2j;
  requires org.yaml.snakeyaml;
  requires com.fasterxml.jackson.databind;

  exports io.github.failover4j.core;
  exports io.github.failover4j.core.testing;
  // The config readers, for the proxy's gateway file only; not API.
  exports io.github.failover4j.core.internal to io.github.failover4j.proxy;

  uses io.github.failover4j.spi.TransportProvider;
}
