package io.github.failover4j.spi;

/**
 * A monotonic clock in nanoseconds, supplied by the host runtime. Only differences between
 * two readings mean anything; it is never the wall clock.
 */
@FunctionalInterface
public interface Ticker {

  /** The system's monotonic clock, {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current reading in nanoseconds. */
  long nanoTime();
}
