package io.github.failover4j.redis;

import io.github.failover4j.core.FleetState;
import io.github.failover4j.core.FleetSync;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pool's link to the fleet: hands every call to the {@link Worker}'s queue and returns, so
 * a pool's transitions never wait on Redis.
 */
final class PoolLink implements FleetSync.Link {
  final FleetSync.Member member;
  final Keys keys;
  /** The probe leases this replica holds, by fingerprint: their value is the fence. */
  final Map<String, String> held = new ConcurrentHashMap<>();
  /** Who probes each ejected token, as last learnt when this replica asked for its lease. */
  final Map<String, String> probers = new ConcurrentHashMap<>();
  private final Worker worker;
  volatile boolean closed;

  PoolLink(Worker worker, FleetSync.Member member, Keys keys) {
    this.worker = worker;
    this.member = member;
    this.keys = keys;
  }

  @Override
  public void publish(FleetState state) {
    if (!closed) {
      worker.submit(() -> worker.write(this, state));
    }
  }

  @Override
  public CompletionStage<Boolean> mayProbe(String fingerprint) {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    if (closed || !worker.submit(() -> worker.lease(this, fingerprint, answer))) {
      answer.complete(true); // closed or a full queue: work alone rather than stall recovery
    }
    return answer;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      worker.submit(() -> worker.leave(this));
    }
  }

  @Override
  public String toString() {
    return "PoolLink[" + keys.tag() + "]";
  }
}
