package io.github.failover4j.proxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider's cap on open upstream connections ({@link Limits#upstreamMaxPerProvider}), all
 * event loops together: a slot is taken by compare-and-set before a connection is opened and
 * given back when it closes (or fails to open), so no lock is needed. Attempts that found no
 * slot wait in their own event loop's queue; {@link #waiting} counts them across loops, so that
 * a freed slot or an idle connection goes to them before a newcomer.
 */
final class ProviderSlots {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();

  ProviderSlots(int max) {
    this.max = max;
  }

  /** Takes a slot if one is free. */
  boolean tryTake() {
    for (;;) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives a slot back: its connection closed, or never opened. */
  void free() {
    open.decrementAndGet();
  }

  /** Connections open or being opened now. */
  int open() {
    return open.get();
  }

  /** Attempts waiting for a slot now, all loops together. */
  int waiting() {
    return waiting.get();
  }

  void waitingAdd(int delta) {
    waiting.addAndGet(delta);
  }

  int max() {
    return max;
  }
}
