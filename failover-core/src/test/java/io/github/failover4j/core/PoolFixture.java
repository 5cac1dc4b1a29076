package io.github.failover4j.core;

import io.github.failover4j.test.ManualClock;
import io.github.failover4j.spi.TokenEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pool on a manual clock with a scripted prober, recording every event. */
final class PoolFixture {
  static final String A = "sk-test-aaaaaaaaaaaa1111";
  static final String B = "sk-test-bbbbbbbbbbbb2222";
  static final String C = "sk-test-cccccccccccc3333";

  final ManualClock clock = new ManualClock();
  final ScriptedProber prober = new ScriptedProber();
  final List<TokenEvent> events = new CopyOnWriteArrayList<>();
  final TokenPool pool;

  PoolFixture(FailoverConfig config, String... tokens) {
    pool = TokenPool.builder("test")
        .tokens(tokens.length == 0 ? new String[] {A, B, C} : tokens)
        .config(config)
        .upstream(URI.create("http://127.0.0.1:9/base/"))
        .scheduler(clock)
        .ticker(clock)
        .prober(prober)
        .listener(events::add)
        .build();
  }

  TokenHandle handleOf(String secret) {
    for (int i = 0; i < 64; i++) {
      TokenHandle h = pool.select();
      if (h.secret().equals(secret)) {
        return h;
      }
    }
    throw new AssertionError("token not selectable: " + TokenSpec.of(secret).id());
  }

  TokenSnapshot snapshotOf(String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fp)).findFirst()
        .orElseThrow();
  }

  List<TokenEvent.Kind> kinds() {
    return events.stream().map(TokenEvent::kind).toList();
  }
}
