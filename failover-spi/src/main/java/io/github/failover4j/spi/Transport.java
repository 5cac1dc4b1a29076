package io.github.failover4j.spi;

/**
 * A transport runtime opened by a {@link TransportProvider}: what the engine needs from the
 * host to health-check tokens. Closing it releases whatever the provider started (threads,
 * connections); the engine itself starts none.
 */
public interface Transport extends AutoCloseable {

  /** Sends probes. */
  ProbeTransport prober();

  /** The host timer that runs probes and deadlines. */
  Scheduler scheduler();

  /** The host's monotonic clock; by default the JVM's, {@link Ticker#SYSTEM}. */
  default Ticker ticker() {
    return Ticker.SYSTEM;
  }

  /** Releases the transport's resources; idempotent, never throws a checked exception. */
  @Override
  void close();
}
