package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.netty.testing.TestUpstream.SelfSigned;
import io.github.failover4j.spi.TokenEvent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyEndToEndTest {
  static final String QUOTA = "sk-quota-000000000000000000001";
  static final String OK = "sk-ok-0000000000000000000000002";
  static final String FORBIDDEN_MARKED = "sk-403h-00000000000000000003";
  static final String FORBIDDEN_PLAIN = "sk-403-000000000000000000004";
  static final String ALTERNATING = "sk-alt-000000000000000000005";
  static final String HEALS = "sk-heal-00000000000000000006";
  static final String SLOW = "sk-slow-00000000000000000007";
  static final String STREAM = "sk-sse-000000000000000000008";
  static final List<String> ALL = List.of(QUOTA, OK, FORBIDDEN_MARKED, FORBIDDEN_PLAIN,
      ALTERNATING, HEALS, SLOW, STREAM);

  static final Condition QUOTA_RULE = Condition.status(429).withBody("No quota available");
  static final Condition MARKED_403 = Condition.status(403).withHeader("failure=true");
  static final HealthCheck HEALTH = new HealthCheck(Duration.ofSeconds(10),
      Duration.ofSeconds(5), 1, HealthCheck.DEFAULT_CONTENT, "probe-model",
      HealthCheck.DEFAULT_PATH, List.of(Condition.status(200).withBody("我是.*")));

  ProxyHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
      assertNoSecretIn(String.join("\n", h.log));
    }
  }

  static void assertNoSecretIn(String text) {
    for (String t : ALL) {
      assertThat(text).doesNotContain(t);
    }
  }

  ProxyHarness start(FailoverConfig config, String... tokens) throws Exception {
    TestUpstream up = new TestUpstream()
        .on(QUOTA, TestUpstream.quotaExhausted())
        .on(FORBIDDEN_MARKED, TestUpstream.forbidden(true))
        .on(FORBIDDEN_PLAIN, TestUpstream.forbidden(false))
        .on(ALTERNATING, TestUpstream.alternating());
    h = new ProxyHarness(up, "/", config, tokens);
    return h;
  }

  TokenSnapshot token(String secret) {
    String fp = io.github.failover4j.core.TokenSpec.of(secret).fingerprint();
    return h.proxy.registry().pool("test").snapshot().stream()
        .filter(s -> s.fingerprint().equals(fp)).findFirst().orElseThrow();
  }

  @Test
  void ejectsAQuotaExhaustedTokenAfterExactlyTheThreshold() throws Exception {
    start(FailoverConfig.builder().failureThreshold(3).conditions(QUOTA_RULE).build(),
        QUOTA, OK);
    int quotaFailures = 0;
    while (quotaFailures < 3) {
      HttpResponse<String> r = h.chat();
      if (r.statusCode() == 429) {
        quotaFailures++;
        assertThat(r.body()).contains("No quota available"); // relayed as the upstream sent it
        assertThat(token(QUOTA).state()).isEqualTo(quotaFailures < 3 ? TokenState.HEALTHY
            : TokenState.EJECTED);
        assertThat(token(QUOTA).consecutiveFailures()).isEqualTo(quotaFailures < 3
            ? quotaFailures : 3);
      } else {
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
    TokenEvent ejected = h.await(TokenEvent.Kind.EJECTED);
    assertThat(ejected.tokenId()).isEqualTo(token(QUOTA).id());
    for (int i = 0; i < 4; i++) {
      assertThat(h.chat().statusCode()).isEqualTo(200);
    }
    h.upstream.drain().stream().skip(6).forEach(r -> assertThat(r.token()).isEqualTo(OK));
    assertThat(h.log).singleElement().asString()
        .contains("provider=test", token(QUOTA).id(), "ejected", "No quota available");
  }

  @Test
  void conditionsAreAndInsideOrAcross() throws Exception {
    start(FailoverConfig.builder().conditions(MARKED_403, QUOTA_RULE).build(),
        FORBIDDEN_MARKED, FORBIDDEN_PLAIN, OK);
    for (int i = 0; i < 6; i++) {
      h.chat();
    }
    assertThat(token(FORBIDDEN_MARKED).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token(FORBIDDEN_MARKED).lastFailureReason()).contains("failure=true");
    assertThat(token(FORBIDDEN_PLAIN).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(token(FORBIDDEN_PLAIN).failures()).isZero(); // 403 alone is not a failure
    assertThat(token(FORBIDDEN_PLAIN).requests()).isPositive();
  }

  @Test
  void aSuccessBetweenFailuresKeepsATokenIn() throws Exception {
    start(FailoverConfig.builder().failureThreshold(2).conditions(Condition.status(503))
        .build(), ALTERNATING);
    for (int i = 0; i < 8; i++) {
      assertThat(h.chat().statusCode()).isEqualTo(i % 2 == 0 ? 503 : 200);
    }
    assertThat(token(ALTERNATING).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(token(ALTERNATING).failures()).isEqualTo(4);
    assertThat(token(ALTERNATING).ejections()).isZero();
  }

  @Test
  void probesAnEjectedTokenAndRestoresItWhenAProbePasses() throws Exception {
    start(FailoverConfig.builder().conditions(QUOTA_RULE).healthCheck(HEALTH).build(),
        HEALS, OK);
    h.upstream.on(HEALS, TestUpstream.healsAfterProbes(2));
    while (token(HEALS).state() == TokenState.HEALTHY) {
      h.chat();
    }
    h.await(TokenEvent.Kind.EJECTED);
    h.upstream.drain();
    for (int probe = 1; probe <= 3; probe++) {
      h.advanceToNextTask();
      TestUpstream.Received p = h.upstream.take();
      assertThat(p.isProbe()).isTrue();
      assertThat(p.method()).isEqualTo("POST");
      assertThat(p.path()).isEqualTo("/v1/chat/completions");
      assertThat(p.token()).isEqualTo(HEALS);
      assertThat(p.body()).contains("\"model\":\"probe-model\"", "你是谁?");
      h.await(probe < 3 ? TokenEvent.Kind.PROBE_FAILED : TokenEvent.Kind.PROBE_PASSED);
    }
    TokenEvent restored = h.await(TokenEvent.Kind.RESTORED);
    assertThat(restored.tokenId()).isEqualTo(token(HEALS).id());
    assertThat(token(HEALS).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(token(HEALS).probes()).isEqualTo(3);
    h.chat();
    h.chat();
    assertThat(h.upstream.drain()).extracting(TestUpstream.Received::token).contains(HEALS);
    assertThat(h.log).anySatisfy(l -> assertThat(l).contains("restored"));
  }

  @Test
  void aProbeThatTimesOutFails() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(FailoverConfig.builder().conditions(QUOTA_RULE).healthCheck(HEALTH).build(),
        QUOTA, OK);
    while (token(QUOTA).state() == TokenState.HEALTHY) {
      h.chat();
    }
    h.upstream.drain();
    h.upstream.on(QUOTA, TestUpstream.slow(release)); // from now on it hangs
    try {
      h.advanceToNextTask();
      assertThat(h.upstream.take().isProbe()).isTrue(); // the probe reached the upstream
      h.advance(Duration.ofSeconds(5)); // the probe's timeout, on the engine's clock
      assertThat(h.await(TokenEvent.Kind.PROBE_FAILED).reason()).contains("timed out");
      assertThat(token(QUOTA).state()).isEqualTo(TokenState.EJECTED);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSlowTokenDoesNotHoldUpOtherRequests() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(FailoverConfig.builder().conditions(QUOTA_RULE).build(), SLOW, OK);
    h.upstream.on(SLOW, TestUpstream.slow(release));
    CompletableFuture<HttpResponse<String>> first = h.client.sendAsync(HttpRequest.newBuilder(
        h.uri("/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(h.upstream.take().token()).isIn(SLOW, OK);
    // whichever token the first request got, the ones after it are answered meanwhile
    int answered = 0;
    for (int i = 0; i < 4 && !first.isDone(); i++) {
      CompletableFuture<HttpResponse<String>> other = h.client.sendAsync(HttpRequest
          .newBuilder(h.uri("/v1/chat/completions")).POST(HttpRequest.BodyPublishers
              .ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      if (h.upstream.take().token().equals(OK)) {
        assertThat(other.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        answered++;
      }
    }
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(answered).isPositive();
  }

  @Test
  void retriesAFailureOnAnotherTokenAndReplaysTheBody() throws Exception {
    start(FailoverConfig.builder().conditions(QUOTA_RULE).retry(RetryPolicy.of(2)).build(),
        QUOTA, OK);
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "x".repeat(200_000) + "\"}]}";
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", body);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("hello from upstream");
    }
    List<TestUpstream.Received> got = h.upstream.drain();
    assertThat(got).extracting(TestUpstream.Received::token).containsOnlyOnce(QUOTA);
    assertThat(got).allSatisfy(r -> assertThat(r.body()).isEqualTo(body));
    assertThat(token(QUOTA).state()).isEqualTo(TokenState.EJECTED);
  }

  @Test
  void answers503WithRetryAfterWhenEveryTokenIsOut() throws Exception {
    start(FailoverConfig.builder().conditions(QUOTA_RULE).healthCheck(HEALTH).build(), QUOTA);
    assertThat(h.chat().statusCode()).isEqualTo(429);
    HttpResponse<String> r = h.chat();
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 11L);
    assertThat(r.body()).contains("\"type\" : \"no_healthy_token\"", "\"message\"");
    assertThat(h.upstream.drain()).hasSize(1);
  }

  /** A body rule that matches any status, and retries on: streams still pass at once. */
  static final FailoverConfig STREAM_CONFIG = FailoverConfig.builder()
      .conditions(Condition.body("No quota available")).retry(RetryPolicy.of(1)).build();

  @Test
  void streamsServerSentEventsAsTheyCome() throws Exception {
    start(STREAM_CONFIG, STREAM);
    assertStreamsEventsAsTheyCome();
  }

  /** Has {@link #STREAM} stream three events, the last held until the first two arrived. */
  void assertStreamsEventsAsTheyCome() throws Exception {
    CountDownLatch beforeLast = new CountDownLatch(1);
    h.upstream.on(STREAM, TestUpstream.stream(List.of("Hel", "lo", "!"), beforeLast));
    HttpResponse<InputStream> r = h.client.send(HttpRequest.newBuilder(
        h.uri("/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
            "{\"stream\":true}")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
        StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).startsWith("data: ").contains("\"Hel\"");
      assertThat(in.readLine()).isEmpty();
      assertThat(in.readLine()).contains("\"lo\"");
      assertThat(beforeLast.getCount()).isEqualTo(1); // the upstream is still waiting
      beforeLast.countDown();
      assertThat(in.readLine()).isEmpty();
      assertThat(in.readLine()).contains("\"!\"");
      assertThat(in.readLine()).isEmpty();
      assertThat(in.readLine()).isEqualTo("data: [DONE]");
    }
  }

  @Test
  void theStatusPageShowsEveryTokenButNoSecret() throws Exception {
    start(FailoverConfig.builder().conditions(QUOTA_RULE).healthCheck(HEALTH).build(),
        QUOTA, OK);
    while (token(QUOTA).state() == TokenState.HEALTHY) {
      h.chat();
    }
    HttpResponse<String> r = h.get("/_failover/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    String json = r.body();
    assertThat(json).contains("\"name\" : \"test\"", token(QUOTA).id(), token(OK).id(),
        token(QUOTA).fingerprint(), "\"state\" : \"EJECTED\"", "\"state\" : \"HEALTHY\"",
        "\"consecutiveFailures\"", "\"nextProbeInMs\"", "\"ejectedSince\"", "\"requests\"");
    assertNoSecretIn(json);
  }

  @Test
  void aRateLimitCoolsTheTokenDownForAsLongAsTheProviderSays() throws Exception {
    String limited = "sk-rate-000000000000000000009";
    TestUpstream up = new TestUpstream()
        .on(limited, (r, ex) -> {
          ex.getResponseHeaders().set("Retry-After", "120");
          TestUpstream.json(ex, 429, TestUpstream.error("Rate limit reached", "requests"));
        })
        .on(QUOTA, (r, ex) -> TestUpstream.json(ex, 400,
            TestUpstream.error("context_length_exceeded", "invalid_request_error")));
    h = new ProxyHarness(up, "/", FailoverConfig.builder().failureThreshold(3).conditions(
        Condition.status(400).withAction(Action.IGNORE),
        Condition.status(429).withAction(Action.COOLDOWN)).build(), limited, QUOTA, OK);
    while (token(limited).state() == TokenState.HEALTHY) {
      h.chat();
    }
    TokenSnapshot cooling = token(limited);
    assertThat(cooling.ejectedBy()).isEqualTo(Action.COOLDOWN);
    assertThat(cooling.cooldownLeft()).isEqualTo(Duration.ofSeconds(120));
    for (int i = 0; i < 6; i++) {
      h.chat(); // 400s: the request's fault, never counted
    }
    assertThat(token(QUOTA).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(token(QUOTA).failures()).isZero();
    String json = h.get("/_failover/status").body();
    assertThat(json).contains("\"ejectedBy\" : \"cooldown\"", "\"cooldownLeftMs\" : 120000",
        "\"backoffLevel\"");
    assertNoSecretIn(json);
    h.clock.advance(Duration.ofSeconds(120)); // back without a probe
    assertThat(token(limited).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(token(limited).probes()).isZero();
  }

  @Test
  void relaysPathQueryAndHeadersAndReplacesTheClientsKey() throws Exception {
    TestUpstream up = new TestUpstream();
    h = new ProxyHarness(up, URI.create(up.uri() + "/base/"), "/openai",
        FailoverConfig.builder().conditions(QUOTA_RULE).build(), OK);
    HttpResponse<String> r = h.client.send(HttpRequest.newBuilder(
        h.uri("/openai/v1/models?limit=2")).header("Authorization", "Bearer client-key")
        .header("X-Custom", "kept").header("Keep-Alive", "timeout=5").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    TestUpstream.Received got = up.take();
    assertThat(got.path()).isEqualTo("/base/v1/models?limit=2");
    assertThat(got.token()).isEqualTo(OK);
    assertThat(got.header("x-custom")).isEqualTo("kept");
    assertThat(got.header("keep-alive")).isNull();
    assertThat(got.header("host")).isEqualTo("127.0.0.1:" + up.uri().getPort());
    assertThat(got.body()).isEmpty();

    HttpResponse<String> unknown = h.get("/elsewhere/v1/models");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("\"error\"", "\"type\" : \"not_found\"");
  }

  @Test
  void answers502WhenTheUpstreamCannotBeReached() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TestUpstream up = new TestUpstream();
    h = new ProxyHarness(up, URI.create("http://127.0.0.1:" + port), "/",
        FailoverConfig.builder().conditions(QUOTA_RULE).retry(RetryPolicy.of(1)).build(),
        QUOTA, OK);
    HttpResponse<String> r = h.chat();
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("\"type\" : \"upstream_unreachable\"");
    // transport errors do not count against tokens, but both were tried
    assertThat(h.proxy.registry().pool("test").snapshot()).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(s.requests()).isEqualTo(1);
    });
  }

  // ---------------------------------------------------------------- https upstreams

  /** A proxy toward an https upstream that presents {@code cert}, named by {@code host}. */
  ProxyHarness startHttps(SelfSigned cert, String host, SslContext ssl, FailoverConfig config,
      String... tokens) throws Exception {
    TestUpstream up = TestUpstream.https(cert).on(QUOTA, TestUpstream.quotaExhausted());
    h = new ProxyHarness(up, up.uri(host), ssl, "/", config, tokens);
    return h;
  }

  /** A TLS failure: 502, nothing reached the upstream, and no token holds it against itself. */
  void assertUpstreamRejected(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("\"type\" : \"upstream_unreachable\"");
    assertThat(h.upstream.drain()).isEmpty(); // no request, so no token, went over the wire
    assertThat(h.proxy.registry().pool("test").snapshot()).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(s.requests()).isEqualTo(1); // both tried: a transport error is retried
      assertThat(s.failures()).isZero();
      assertThat(s.consecutiveFailures()).isZero();
    });
  }

  @Test
  void forwardsToAnHttpsUpstreamWithTheTokenAndRelaysTheAnswer() throws Exception {
    SelfSigned cert = SelfSigned.localhost();
    startHttps(cert, "127.0.0.1", cert.trustingClient(),
        FailoverConfig.builder().conditions(QUOTA_RULE).build(), OK);
    for (int i = 0; i < 2; i++) { // the second may reuse the kept-alive TLS connection
      HttpResponse<String> r = h.chat();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.body()).isEqualTo(TestUpstream.completion("hello from upstream"));
      TestUpstream.Received got = h.upstream.take();
      assertThat(got.token()).isEqualTo(OK); // not the client's key
      assertThat(got.path()).isEqualTo("/v1/chat/completions");
      assertThat(got.header("host")).isEqualTo("127.0.0.1:" + h.upstream.uri().getPort());
      assertThat(got.body()).contains("\"content\":\"hi\"");
    }
    assertThat(token(OK).requests()).isEqualTo(2);
    assertThat(token(OK).failures()).isZero();
  }

  @Test
  void streamsServerSentEventsFromAnHttpsUpstreamAsTheyCome() throws Exception {
    SelfSigned cert = SelfSigned.localhost();
    startHttps(cert, "127.0.0.1", cert.trustingClient(), STREAM_CONFIG, STREAM);
    assertStreamsEventsAsTheyCome();
  }

  @Test
  void probesAnEjectedTokenOverHttpsWithTheProxysContext() throws Exception {
    SelfSigned cert = SelfSigned.localhost();
    startHttps(cert, "127.0.0.1", cert.trustingClient(),
        FailoverConfig.builder().conditions(QUOTA_RULE).healthCheck(HEALTH).build(), QUOTA, OK);
    while (token(QUOTA).state() == TokenState.HEALTHY) {
      h.chat();
    }
    h.await(TokenEvent.Kind.EJECTED);
    h.upstream.drain();
    h.upstream.on(QUOTA, TestUpstream.ok());
    h.advanceToNextTask();
    TestUpstream.Received probe = h.upstream.take();
    assertThat(probe.isProbe()).isTrue();
    assertThat(probe.token()).isEqualTo(QUOTA);
    h.await(TokenEvent.Kind.PROBE_PASSED);
    h.await(TokenEvent.Kind.RESTORED);
    assertThat(token(QUOTA).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void anHttpsUpstreamIsReachedUnderTheNameItsCertificateHas() throws Exception {
    SelfSigned cert = SelfSigned.localhostNameOnly();
    startHttps(cert, "localhost", cert.trustingClient(),
        FailoverConfig.builder().conditions(QUOTA_RULE).build(), OK);
    assertThat(h.chat().statusCode()).isEqualTo(200);
    assertThat(h.upstream.take().header("host"))
        .isEqualTo("localhost:" + h.upstream.uri().getPort());
  }

  @Test
  void anHttpsUpstreamWhoseCertificateDoesNotNameItsHostIs502() throws Exception {
    SelfSigned cert = SelfSigned.localhostNameOnly(); // trusted, but not for 127.0.0.1
    startHttps(cert, "127.0.0.1", cert.trustingClient(), FailoverConfig.builder()
        .conditions(QUOTA_RULE).retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    assertUpstreamRejected(h.chat());
  }

  @Test
  void hostNamesAreVerifiedEvenWithAContextThatDoesNotAskForIt() throws Exception {
    SelfSigned cert = SelfSigned.localhostNameOnly();
    SslContext wrapped = new JdkSslContext(cert.trustingJdkContext(), true, ClientAuth.NONE);
    startHttps(cert, "127.0.0.1", wrapped, FailoverConfig.builder()
        .conditions(QUOTA_RULE).retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    assertUpstreamRejected(h.chat());
  }

  @Test
  void theDefaultContextDoesNotTrustASelfSignedUpstream() throws Exception {
    startHttps(SelfSigned.localhost(), "127.0.0.1", null, FailoverConfig.builder()
        .conditions(QUOTA_RULE).retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    assertUpstreamRejected(h.chat());
  }
}
