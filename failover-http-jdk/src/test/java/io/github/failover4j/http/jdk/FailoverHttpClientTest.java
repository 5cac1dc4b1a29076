package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.CHAT_JSON;
import static io.github.failover4j.http.jdk.Fixtures.FLAGGED;
import static io.github.failover4j.http.jdk.Fixtures.FLAKY;
import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.PLAIN;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA2;
import static io.github.failover4j.http.jdk.Fixtures.RESET;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static io.github.failover4j.http.jdk.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request path against a real provider on loopback: judging, ejection, retries, auth. */
class FailoverHttpClientTest {
  private FakeProvider provider;

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider()
        .on(OK, FakeProvider.ok())
        .on(QUOTA, FakeProvider.quota())
        .on(QUOTA2, FakeProvider.quota())
        .on(FLAGGED, FakeProvider.forbidden(true))
        .on(PLAIN, FakeProvider.forbidden(false))
        .on(FLAKY, FakeProvider.alternating())
        .on(RESET, FakeProvider.reset());
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private TokenPool pool(FailoverConfig config, String... tokens) {
    return Fixtures.pool(provider, config, tokens);
  }

  private static FailoverConfig.Builder quotaRules() {
    return FailoverConfig.builder().conditions(Condition.body("No quota available"));
  }

  @Test
  void ejectsAQuotaTokenAfterExactlyTheThreshold() throws Exception {
    TokenPool pool = pool(quotaRules().failureThreshold(3).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);

    for (int i = 0; i < 12; i++) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      int hits = provider.calls(QUOTA).size();
      TokenSnapshot quota = state(pool, QUOTA);
      if (r.statusCode() == 429) {
        assertThat(r.body()).as("the caller gets the body the rules read")
            .isEqualTo("No quota available");
      }
      if (hits < 3) {
        assertThat(quota.state()).isEqualTo(TokenState.HEALTHY);
        assertThat(quota.consecutiveFailures()).isEqualTo(hits);
      } else {
        assertThat(quota.state()).isEqualTo(TokenState.EJECTED);
        assertThat(quota.ejections()).isEqualTo(1);
      }
    }
    assertThat(provider.calls(QUOTA)).as("no traffic after the ejection").hasSize(3);
    assertThat(state(pool, OK).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void conditionsAreAndInsideOneAndOrAcrossThem() throws Exception {
    FailoverConfig config = FailoverConfig.builder()
        .conditions(
            Condition.status(403).withHeader("failure=true"),
            Condition.status(429).withBody("No quota available"))
        .build();
    provider.on("sk-429-without-quota-000001",
        (ex, call) -> FakeProvider.respond(ex, 429, "slow down", Map.of()));

    Map<String, String> expected = Map.of(
        FLAGGED, "conditions[0]",   // 403 and failure=true
        PLAIN, "",                   // 403 alone: the header clause does not hold
        QUOTA, "conditions[1]",     // 429 and the body
        "sk-429-without-quota-000001", ""); // 429 alone: the body clause does not hold
    for (Map.Entry<String, String> e : expected.entrySet()) {
      TokenPool pool = pool(config, e.getKey());
      Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofString());
      TokenSnapshot s = state(pool, e.getKey());
      if (e.getValue().isEmpty()) {
        assertThat(s.state()).as(s.id()).isEqualTo(TokenState.HEALTHY);
        assertThat(s.failures()).as(s.id()).isZero();
      } else {
        assertThat(s.state()).as(s.id()).isEqualTo(TokenState.EJECTED);
        assertThat(s.lastFailureReason()).as(s.id()).contains(e.getValue());
      }
    }
  }

  @Test
  void aTokenThatAlternatesFailureAndSuccessIsNeverEjected() throws Exception {
    TokenPool pool = pool(FailoverConfig.builder().failureThreshold(2)
        .conditions(Condition.status(503)).build(), FLAKY);
    FailoverHttpClient client = Fixtures.client(pool);
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(i % 2 == 0 ? 503 : 200);
      TokenSnapshot s = state(pool, FLAKY);
      assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(s.consecutiveFailures()).isEqualTo(i % 2 == 0 ? 1 : 0);
    }
    assertThat(state(pool, FLAKY).failures()).isEqualTo(5);
  }

  @Test
  void aFailureIsRetriedOnAnotherTokenSync() throws Exception {
    TokenPool pool = pool(quotaRules().failureThreshold(3).retry(RetryPolicy.of(1)).build(),
        QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertRetriedOnce(pool);
  }

  @Test
  void aFailureIsRetriedOnAnotherTokenAsync() throws Exception {
    TokenPool pool = pool(quotaRules().failureThreshold(3).retry(RetryPolicy.of(1)).build(),
        QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r =
          client.sendAsync(chat(provider.uri()), BodyHandlers.ofString()).join();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertRetriedOnce(pool);
  }

  private void assertRetriedOnce(TokenPool pool) {
    TokenSnapshot quota = state(pool, QUOTA);
    assertThat(quota.consecutiveFailures()).isEqualTo(1);
    assertThat(quota.requests()).isEqualTo(1);
    assertThat(quota.state()).isEqualTo(TokenState.HEALTHY);
    List<FakeProvider.Call> calls = provider.calls();
    FakeProvider.Call failed = provider.calls(QUOTA).get(0);
    FakeProvider.Call retried = calls.get(calls.indexOf(failed) + 1);
    assertThat(retried.token()).isEqualTo(OK);
    assertThat(retried.bodyText()).as("the body was replayed").isEqualTo(CHAT_JSON);
    assertThat(state(pool, OK).consecutiveFailures()).isZero();
  }

  @Test
  void aFailureJudgedOnStatusAloneIsRetriedWithoutReadingTheBody() throws Exception {
    TokenPool pool = pool(FailoverConfig.builder().failureThreshold(5)
        .conditions(Condition.status(429)).retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      assertThat(client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    assertThat(state(pool, QUOTA).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void aLongFailingBodyIsCancelledNotReadWhenRetried() throws Exception {
    // chunked (no Content-Length) and long: the dropped attempt must not read it all
    provider.on(QUOTA, (ex, call) -> {
      ex.sendResponseHeaders(503, 0);
      try (var out = ex.getResponseBody()) {
        for (int i = 0; i < 64; i++) {
          out.write(new byte[16 * 1024]);
        }
      } catch (IOException expected) {
        // the client hung up
      }
    });
    TokenPool pool = pool(FailoverConfig.builder().failureThreshold(5)
        .conditions(Condition.status(503)).retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertThat(state(pool, QUOTA).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void aBodyFailureFoundEarlyInALongHeldBodyIsRetried() throws Exception {
    provider.on(QUOTA, FakeProvider.ok("No quota available" + "x".repeat(300_000)));
    TokenPool pool = pool(quotaRules().maxBodyBytes(1024).failureThreshold(5)
        .retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r =
          client.sendAsync(chat(provider.uri()), BodyHandlers.ofString()).join();
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertThat(state(pool, QUOTA).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void aBodyCutOffWhileHeldIsATransportErrorAndRetried() throws Exception {
    provider.on(RESET, (ex, call) -> {
      ex.sendResponseHeaders(200, 1000); // promises 1000 bytes, sends 10, hangs up
      ex.getResponseBody().write("0123456789".getBytes(StandardCharsets.UTF_8));
      ex.getResponseBody().flush();
      throw new IOException("cut off on purpose");
    });
    TokenPool pool = pool(quotaRules().retry(RetryPolicy.of(1)).build(), RESET, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(RESET).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    TokenSnapshot reset = state(pool, RESET);
    assertThat(reset.requests()).isEqualTo(1);
    assertThat(reset.failures()).isZero();
  }

  @Test
  void aTimeoutIsATransportError() throws Exception {
    FakeProvider.Slow slow = new FakeProvider.Slow();
    provider.on(Fixtures.SLOW, slow);
    TokenPool pool = pool(quotaRules().build(), Fixtures.SLOW);
    HttpRequest request = HttpRequest.newBuilder(chat(provider.uri()), (n, v) -> true)
        .timeout(Duration.ofMillis(100)).build();
    try {
      assertThatThrownBy(() -> Fixtures.client(pool).send(request, BodyHandlers.ofString()))
          .isInstanceOf(java.net.http.HttpTimeoutException.class);
    } finally {
      slow.release();
    }
    TokenSnapshot s = state(pool, Fixtures.SLOW);
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.failures()).isZero();
  }

  @Test
  void cancellingTheFutureCancelsTheAttemptInFlight() throws Exception {
    FakeProvider.Slow slow = new FakeProvider.Slow();
    provider.on(Fixtures.SLOW, slow);
    TokenPool pool = pool(quotaRules().build(), Fixtures.SLOW);
    var future = Fixtures.client(pool).sendAsync(chat(provider.uri()), BodyHandlers.ofString());
    try {
      assertThat(slow.arrived.await(TestClock.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS))
          .isTrue();
      assertThat(future.cancel(true)).isTrue();
      assertThat(future).isCancelled();
    } finally {
      slow.release();
    }
  }

  @Test
  void whenRetriesRunOutTheCallerGetsTheLastFailure() throws Exception {
    TokenPool pool = pool(quotaRules().failureThreshold(5).retry(RetryPolicy.of(3)).build(),
        QUOTA, QUOTA2);
    HttpResponse<String> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo("No quota available");
    assertThat(provider.calls()).as("each token tried once").hasSize(2);
  }

  @Test
  void aBodyThatCannotBeReplayedIsSentOnce() throws Exception {
    TokenPool pool = pool(quotaRules().failureThreshold(5).retry(RetryPolicy.of(3)).build(),
        QUOTA, QUOTA2);
    HttpRequest request = HttpRequest.newBuilder(provider.uri().resolve("/v1/chat/completions"))
        .POST(BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(CHAT_JSON.getBytes(StandardCharsets.UTF_8))))
        .build();
    HttpResponse<String> r = Fixtures.client(pool).send(request, BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(provider.calls()).hasSize(1);
    assertThat(provider.calls().get(0).bodyText()).isEqualTo(CHAT_JSON);
  }

  @Test
  void aTransportErrorIsRetriedAndDoesNotCountAgainstTheToken() throws Exception {
    TokenPool pool = pool(quotaRules().retry(RetryPolicy.of(1)).build(), RESET, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(RESET).isEmpty()) {
      assertThat(client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    TokenSnapshot reset = state(pool, RESET);
    assertThat(reset.state()).isEqualTo(TokenState.HEALTHY);
    assertThat(reset.requests()).isEqualTo(1);
    assertThat(reset.failures()).isZero();
  }

  @Test
  void withoutRetryATransportErrorReachesTheCaller() throws Exception {
    TokenPool pool = pool(quotaRules().build(), RESET);
    FailoverHttpClient client = Fixtures.client(pool);
    assertThatThrownBy(() -> client.send(chat(provider.uri()), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(client.sendAsync(chat(provider.uri()), BodyHandlers.ofString()))
        .failsWithin(Duration.ofSeconds(TestClock.WAIT_SECONDS))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IOException.class);
    TokenSnapshot s = state(pool, RESET);
    assertThat(s.requests()).isEqualTo(2);
    assertThat(s.failures()).isZero();
    assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void aRefusedConnectionIsATransportErrorNamingThePoolAndHost() throws Exception {
    URI closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    TokenPool pool = TokenPool.builder("refused").tokens(OK).config(quotaRules().build())
        .build();
    // not the JDK's "java.net.ConnectException: null": which provider, which host
    String expected = "pool refused: cannot connect to 127.0.0.1:" + closed.getPort();
    assertThatThrownBy(() -> Fixtures.client(pool).send(chat(closed), BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class)
        .hasMessageStartingWith(expected);
    assertThat(Fixtures.client(pool).sendAsync(chat(closed), BodyHandlers.ofString()))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(ConnectException.class)
        .withMessageStartingWith(expected);
    assertThat(state(pool, OK).requests()).isEqualTo(2);
    assertThat(state(pool, OK).failures()).isZero();
  }

  @Test
  void whenEveryTokenIsOutSelectionFailsWithTheTimeUntilOneMayReturn() throws Exception {
    TestClock clock = new TestClock(Duration.ofSeconds(10));
    TokenPool pool = TokenPool.builder("test").tokens(QUOTA)
        .config(quotaRules().healthCheck(HealthCheck.of("tiny")).build())
        .upstream(provider.uri())
        .prober(r -> new java.util.concurrent.CompletableFuture<>()) // never answers
        .scheduler(clock).ticker(clock)
        .build();
    FailoverHttpClient client = Fixtures.client(pool);
    assertThat(client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode())
        .isEqualTo(429);

    assertThatThrownBy(() -> client.send(chat(provider.uri()), BodyHandlers.ofString()))
        .isInstanceOfSatisfying(NoHealthyTokenException.class, e -> {
          assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d)
              .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11)));
          assertThat(e.getMessage()).doesNotContain(QUOTA);
        });
    assertThatThrownBy(() -> client.sendAsync(chat(provider.uri()), BodyHandlers.ofString())
        .join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(NoHealthyTokenException.class);
    assertThat(provider.calls()).hasSize(1);
  }

  @Test
  void theTokenReplacesTheCallersAuthorization() throws Exception {
    TokenPool pool = pool(quotaRules().build(), OK);
    HttpRequest request = HttpRequest.newBuilder(chat(provider.uri()), (n, v) -> true)
        .header("authorization", "Bearer sk-from-the-caller").build();
    assertThat(Fixtures.client(pool).send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    FakeProvider.Call call = provider.calls().get(0);
    assertThat(call.token()).isEqualTo(OK);
    assertThat(call.headers().get("Authorization")).containsExactly("Bearer " + OK);
  }

  @Test
  void theTokenGoesInThePoolsAuthHeader() throws Exception {
    for (String header : List.of("x-api-key", "api-key")) { // Anthropic, Azure OpenAI
      try (FakeProvider vendor = new FakeProvider(header).on(OK, FakeProvider.ok())) {
        TokenPool pool = TokenPool.builder("vendor").tokens(OK).auth(Auth.header(header))
            .config(quotaRules().build()).build();
        HttpRequest request = HttpRequest.newBuilder(chat(vendor.uri()), (n, v) -> true)
            .header(header.toUpperCase(java.util.Locale.ROOT), "sk-from-the-caller").build();
        assertThat(Fixtures.client(pool).send(request, BodyHandlers.ofString()).statusCode())
            .isEqualTo(200);
        FakeProvider.Call call = vendor.calls().get(0);
        assertThat(call.header(header)).isEqualTo(OK);
        assertThat(call.header("Authorization")).isNull();
        assertThat(call.headers().entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase(header))
            .flatMap(e -> e.getValue().stream())).containsExactly(OK);
      }
    }
  }

  @Test
  void aTokenNoHeaderCanCarryIsRefusedBeforeAnythingIsSent() {
    String bad = "sk-has-a-newline\r\nX-Injected: yes";
    assertThatThrownBy(() -> pool(quotaRules().build(), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-has-a-newline"));
    assertThat(provider.calls()).isEmpty();
  }
}
