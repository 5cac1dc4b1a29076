package io.github.failover4j.proxy;

import io.github.failover4j.spi.Scheduler;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The attempts waiting on one event loop for a slot of a capped provider ({@link
 * ProviderSlots}), first come first served; touched only on that loop, so without a lock.
 * Every way out of the queue (taken, expired) keeps the provider's count of waiters right.
 */
final class SlotWaiters {
  /** One attempt waiting for a slot, until its connect timeout. */
  static final class Waiter {
    final Route route;
    final Promise<Channel> promise;
    Scheduler.Cancellable timer;

    Waiter(Route route, Promise<Channel> promise) {
      this.route = route;
      this.promise = promise;
    }
  }

  private final Map<ProviderSlots, ArrayDeque<Waiter>> queues = new IdentityHashMap<>();

  /** Queues an attempt at the end. */
  Waiter add(ProviderSlots slots, Route route, Promise<Channel> promise) {
    Waiter w = new Waiter(route, promise);
    queues.computeIfAbsent(slots, s -> new ArrayDeque<>()).addLast(w);
    slots.waitingAdd(1);
    return w;
  }

  /** Whether attempts for {@code slots} wait on this loop. */
  boolean any(ProviderSlots slots) {
    return queues.containsKey(slots);
  }

  /** The route of the first attempt waiting for {@code slots}; null when none waits here. */
  Route firstRoute(ProviderSlots slots) {
    ArrayDeque<Waiter> q = queues.get(slots);
    return q == null ? null : q.peekFirst().route;
  }

  /** Takes the first attempt waiting for {@code slots} (its timer cancelled); null if none. */
  Waiter takeFirst(ProviderSlots slots) {
    ArrayDeque<Waiter> q = queues.get(slots);
    if (q == null) {
      return null;
    }
    Waiter w = q.pollFirst();
    if (q.isEmpty()) {
      queues.remove(slots);
    }
    slots.waitingAdd(-1);
    w.timer.cancel();
    return w;
  }

  /** Takes {@code w} out, its time being up; false when it was served meanwhile. */
  boolean remove(ProviderSlots slots, Waiter w) {
    ArrayDeque<Waiter> q = queues.get(slots);
    if (q == null || !q.remove(w)) {
      return false;
    }
    if (q.isEmpty()) {
      queues.remove(slots);
    }
    slots.waitingAdd(-1);
    return true;
  }
}
