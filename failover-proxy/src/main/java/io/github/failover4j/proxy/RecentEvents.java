package io.github.failover4j.proxy;

import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last token events of every pool, newest first, for the status page: a bounded ring.
 * Events carry masked ids only, never a token. Probe results are left out (one per period per
 * ejected token would push out what an operator looks for).
 */
final class RecentEvents implements TokenListener {
  /** One event with the wall-clock time it was seen. */
  record Entry(Instant at, TokenEvent event) {}

  private final Entry[] ring;
  private long next;

  RecentEvents(int capacity) {
    ring = new Entry[capacity];
  }

  @Override
  public void onEvent(TokenEvent e) {
    if (e.kind() == TokenEvent.Kind.PROBE_PASSED || e.kind() == TokenEvent.Kind.PROBE_FAILED) {
      return;
    }
    Entry entry = new Entry(Instant.now(), e);
    synchronized (ring) { // operators' rate, not the request path: events are rare
      ring[(int) (next++ % ring.length)] = entry;
    }
  }

  /** The events kept, newest first. */
  List<Entry> newestFirst() {
    synchronized (ring) {
      List<Entry> out = new ArrayList<>(ring.length);
      for (long i = next - 1; i >= 0 && i >= next - ring.length; i--) {
        out.add(ring[(int) (i % ring.length)]);
      }
      return out;
    }
  }
}
