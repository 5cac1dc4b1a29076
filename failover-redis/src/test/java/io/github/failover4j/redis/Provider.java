package io.github.failover4j.redis;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake provider every replica probes: answers each probe at once with the status the test
 * sets, and counts the probes it got, per replica.
 */
final class Provider {
  volatile int status = 503;
  final AtomicInteger probes = new AtomicInteger();
  final Map<String, AtomicInteger> byReplica = new ConcurrentHashMap<>();

  /** The prober of one replica. */
  ProbeTransport prober(String replica) {
    return new ProbeTransport() {
      @Override
      public CompletionStage<ResponseView> send(ProbeRequest request) {
        probes.incrementAndGet();
        byReplica.computeIfAbsent(replica, r -> new AtomicInteger()).incrementAndGet();
        return CompletableFuture.completedFuture(response(status));
      }
    };
  }

  int probesBy(String replica) {
    AtomicInteger n = byReplica.get(replica);
    return n == null ? 0 : n.get();
  }

  static ResponseView response(int status) {
    return response(status, Map.of());
  }

  static ResponseView response(int status, Map<String, String> headers) {
    return new ResponseView() {
      @Override
      public int status() {
        return status;
      }

      @Override
      public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
      }

      @Override
      public byte[] body(int maxBytes) {
        return new byte[0];
      }
    };
  }
}
