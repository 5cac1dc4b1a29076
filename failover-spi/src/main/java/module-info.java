/**
 * The contracts between the failover4j rules engine and a transport (an HTTP library or a
 * gateway runtime): a read-only {@linkplain io.github.failover4j.spi.ResponseView response
 * view}, the {@linkplain io.github.failover4j.spi.ProbeTransport probe transport}, the host's
 * {@linkplain io.github.failover4j.spi.Scheduler scheduler} and
 * {@linkplain io.github.failover4j.spi.Ticker ticker}, the
 * {@linkplain io.github.failover4j.spi.TransportProvider transport provider} service found by
 * {@link java.util.ServiceLoader}, and {@linkplain io.github.failover4j.spi.TokenEvent listener
 * events}. Depends on {@code java.base} only.
 */
module io.github.failover4j.spi {
  exports io.github.failover4j.spi;
}
