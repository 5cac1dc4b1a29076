package io.github.failover4j.spi;

/**
 * Hears of token state changes and probe results. Called on the thread that caused the
 * event, after the change took effect, never under a lock; it must be quick and must not
 * throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface TokenListener {

  /** Called once per event. */
  void onEvent(TokenEvent event);
}
