package io.github.failover4j.http.jdk;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;

/** Tokens and small helpers shared by the tests. */
final class Fixtures {
  private Fixtures() {}

  static final String OK = "sk-ok-token-0000000000000001";
  static final String OK2 = "sk-ok-token-0000000000000002";
  static final String QUOTA = "sk-quota-token-000000000001";
  static final String QUOTA2 = "sk-quota-token-000000000002";
  static final String FLAGGED = "sk-flagged-403-00000000001";
  static final String PLAIN = "sk-plain-403-0000000000001";
  static final String FLAKY = "sk-alternating-00000000001";
  static final String RESET = "sk-reset-token-00000000001";
  static final String SLOW = "sk-slow-token-000000000001";
  static final String HEALING = "sk-healing-token-000000001";
  static final String STREAM = "sk-stream-token-0000000001";

  static final String CHAT_JSON =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  /** The JDK client the tests send with; HTTP/1.1, as the loopback server speaks it. */
  static HttpClient http() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** A chat completion POST with an in-memory (replayable) body. */
  static HttpRequest chat(URI base) {
    return HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString(CHAT_JSON))
        .build();
  }

  /** The snapshot of {@code token} in {@code pool}. */
  static TokenSnapshot state(TokenPool pool, String token) {
    String fingerprint = TokenSpec.of(token).fingerprint();
    return pool.snapshot().stream().filter(s -> s.fingerprint().equals(fingerprint))
        .findFirst().orElseThrow();
  }

  /** A pool named {@code test} of {@code tokens} in front of {@code provider}. */
  static TokenPool pool(FakeProvider provider, FailoverConfig config, String... tokens) {
    return TokenPool.builder("test").tokens(tokens).config(config).upstream(provider.uri())
        .build();
  }

  /** A failover client over {@link #http()} for {@code pool}. */
  static FailoverHttpClient client(TokenPool pool) {
    return FailoverHttpClient.builder().pool(pool).httpClient(http()).build();
  }
}
