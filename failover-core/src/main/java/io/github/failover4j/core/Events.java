package io.github.failover4j.core;

import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenListener;
import java.lang.System.Logger.Level;
import java.util.List;

/** Tells listeners and the log what happened to a token; never under a lock, never the token. */
final class Events {
  private static final System.Logger LOG = System.getLogger(TokenPool.class.getName());

  private final String pool;
  private final List<TokenListener> listeners;

  Events(String pool, List<TokenListener> listeners) {
    this.pool = pool;
    this.listeners = List.copyOf(listeners);
  }

  void emit(TokenEvent.Kind kind, Slot slot, String reason, long at) {
    String safeReason = Secrets.scrub(reason, slot.secret, slot.id);
    Level level = switch (kind) {
      case EJECTED, RESTORED, DISABLED -> Level.INFO;
      case EJECTION_LIMITED -> Level.WARNING;
      case PROBE_PASSED, PROBE_FAILED -> Level.DEBUG;
    };
    if (LOG.isLoggable(level)) {
      LOG.log(level, "pool {0}: token {1} {2}{3}", pool, slot.id,
          kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
          safeReason.isEmpty() ? "" : ": " + safeReason);
    }
    if (listeners.isEmpty()) {
      return;
    }
    TokenEvent event = new TokenEvent(pool, slot.id, slot.fingerprint, kind, safeReason, at);
    for (TokenListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "pool " + pool + ": a token listener threw; ignored", e);
      }
    }
  }
}
