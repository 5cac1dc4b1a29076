/**
 * The failover4j rules engine: configuration ({@link io.github.failover4j.core.FailoverConfig}),
 * the lock-free {@link io.github.failover4j.core.TokenPool} and its state machine, health
 * checking, retry planning, routes of fallback targets and their outage state ({@link
 * io.github.failover4j.core.FallbackRoute}), a {@link io.github.failover4j.core.FailoverRegistry
 * registry} of named pools, and transport discovery ({@link
 * io.github.failover4j.core.Transports}).
 *
 * <p>RE2/J, the regular-expression engine of body conditions, is shaded into this module's jar
 * under a non-exported package, so the module requires no automatic module and RE2/J appears
 * in no exported signature. (The sources compile against the RE2/J jar, read through {@code
 * --add-reads}; the jar's classes use the relocated copy.)
 */
module io.github.failover4j.core {
  requires transitive io.github.failover4j.spi;
  requires org.yaml.snakeyaml;
  requires com.fasterxml.jackson.databind;

  exports io.github.failover4j.core;
  // The config readers, for the proxy's gateway file only; not API.
  exports io.github.failover4j.core.internal to io.github.failover4j.proxy;

  uses io.github.failover4j.spi.TransportProvider;
}
