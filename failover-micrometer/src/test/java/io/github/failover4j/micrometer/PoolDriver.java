package io.github.failover4j.micrometer;

import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.testing.ManualClock;
import io.github.failover4j.fixtures.TalliedRules;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A real pool on a manual clock whose probes wait for the test's answer: what the meters read
 * is driven through the pool's own API, as a gateway would drive it.
 */
final class PoolDriver {
  // the pool's rules are TalliedRules.config(): [0] 404 ignore, [1] 401 eject, [2] 503 count
  static final String A = "sk-live-aaaaaaaaaaaaaaaa1111";
  static final String B = "sk-live-bbbbbbbbbbbbbbbb2222";
  static final String C = "sk-live-cccccccccccccccc3333";
  static final Duration WITH_JITTER = TalliedRules.WITH_JITTER;

  final ManualClock clock = new ManualClock();
  private final Deque<CompletableFuture<ResponseView>> probes = new ArrayDeque<>();
  final TokenPool pool;

  PoolDriver(String name, String... tokens) {
    ProbeTransport prober = request -> send();
    pool = TokenPool.builder(name).tokens(tokens).config(TalliedRules.config())
        .upstream(URI.create("http://127.0.0.1:9")).scheduler(clock).ticker(clock)
        .prober(prober).build();
  }

  private synchronized CompletionStage<ResponseView> send() {
    CompletableFuture<ResponseView> f = new CompletableFuture<>();
    probes.add(f);
    return f;
  }

  /** Answers the oldest probe in flight. */
  void answerProbe(int status) {
    CompletableFuture<ResponseView> f;
    synchronized (this) {
      f = probes.poll();
    }
    if (f == null) {
      throw new AssertionError("no probe in flight");
    }
    f.complete(response(status));
  }

  /** Reports a response with this status for this token, selected as a request would be. */
  void respond(String secret, int status) {
    handleOf(secret).report(response(status));
  }

  private TokenHandle handleOf(String secret) {
    for (int i = 0; i < 64; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new AssertionError("token not selectable: " + TokenSpec.maskedId(secret));
  }

  static String id(String secret) {
    return TokenSpec.maskedId(secret);
  }

  static String fingerprint(String secret) {
    return TokenSpec.of(secret).fingerprint();
  }

  static ResponseView response(int status) {
    return new ResponseView() {
      @Override
      public int status() {
        return status;
      }

      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public byte[] body(int maxBytes) {
        return new byte[0];
      }
    };
  }
}
