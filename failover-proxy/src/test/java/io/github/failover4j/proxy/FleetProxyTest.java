package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.test.ManualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.htmlunit.BrowserVersion;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two proxies sharing one real Redis ({@code fleet:}) in front of one fake provider, in one
 * JVM, engine time on one manual clock (issue 12, the proxy part).
 */
class FleetProxyTest {
  static final String BAD = "sk-fleet-bad-00000000000000001";
  static final String GOOD = "sk-fleet-good-0000000000000002";
  /** Past a probe period (10 s) and its jitter (up to 10 %). */
  static final Duration PROBE_DUE = Duration.ofSeconds(12);
  static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = new ManualClock();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<FailoverProxy> proxies = new ArrayList<>();
  FleetRedis redis;
  TestUpstream upstream;

  @BeforeEach
  void start() throws Exception {
    redis = new FleetRedis();
    upstream = new TestUpstream().on(BAD, TestUpstream.quotaExhausted());
  }

  @AfterEach
  void stop() {
    proxies.forEach(FailoverProxy::close);
    upstream.close();
    redis.close();
  }

  /** A gateway file of one provider with {@code BAD} and {@code GOOD}, in the fleet. */
  static String gateway(URI upstream, String redisUri, String replica) {
    return gateway(upstream, redisUri, replica, "10s");
  }

  /** The same with a probe period of {@code period}. */
  static String gateway(URI upstream, String redisUri, String replica, String period) {
    return """
        providers:
          - name: openai
            upstream: %s
            apiTokens: [%s, %s]
            failover:
              failure:
                failureThreshold: 1
                conditions:
                  - body: "No quota available"
                    action: eject
              healthCheck:
                period: %s
                model: probe-model
                conditions: [{status_code: [200], body: "我是.*"}]
            retryOnFailure: {maxRetries: 1}
        fleet: {redis: "%s", replicaId: %s, leaseTime: 60s}
        """.formatted(upstream, BAD, GOOD, period, redisUri, replica);
  }

  FailoverProxy proxy(String replica) throws Exception {
    FailoverProxy p = FailoverProxy.builder(GatewayConfig.parse(gateway(upstream.uri(),
            redis.uri(), replica)))
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock).ticker(clock).threads(2)
        .operatorLog(line -> { })
        .start();
    proxies.add(p);
    return p;
  }

  HttpResponse<String> chat(FailoverProxy p) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(p, "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(FailoverProxy p, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(p, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status(FailoverProxy p) throws Exception {
    HttpResponse<String> r = get(p, "/_failover/status");
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static URI uri(FailoverProxy p, String path) {
    return URI.create("http://127.0.0.1:" + p.address().getPort() + path);
  }

  static TokenSnapshot token(FailoverProxy p, String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    return p.registry().pool("openai").snapshot().stream()
        .filter(t -> t.fingerprint().equals(fp)).findFirst().orElseThrow();
  }

  /** The status page's entry of {@code secret}'s token. */
  static JsonNode tokenStatus(JsonNode status, String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    for (JsonNode t : status.path("providers").get(0).path("tokens")) {
      if (t.path("fingerprint").asText().equals(fp)) {
        return t;
      }
    }
    throw new AssertionError("no token " + fp + " in " + status);
  }

  static void await(String what, BooleanSupplier condition) {
    FleetProcesses.await(what, condition);
  }

  /** The status page's text as a browser shows it, once its script drew the fleet. */
  static String statusPageText(FailoverProxy p) throws Exception {
    try (WebClient browser = new WebClient(BrowserVersion.FIREFOX)) {
      browser.getOptions().setThrowExceptionOnScriptError(true);
      HtmlPage page = browser.getPage(uri(p, "/_failover/").toURL());
      await("the status page drew the fleet", () -> {
        browser.waitForBackgroundJavaScript(20);
        return page.asNormalizedText().contains("probed by");
      });
      return page.asNormalizedText();
    }
  }

  static boolean probeScheduled(FailoverProxy p, String secret) {
    Duration next = token(p, secret).nextProbeIn();
    return next != null && !next.isZero();
  }

  long probes() {
    return upstream.drain().stream().filter(r -> r.isProbe() && BAD.equals(r.token())).count();
  }

  /** Waits until both replicas joined the fleet and Redis answered them. */
  void awaitReachable(FailoverProxy... ps) {
    for (FailoverProxy p : ps) {
      await(p + " reached Redis", () -> p.fleet().readiness().equals("ok"));
    }
  }

  @Test
  void aKeyExhaustedOnOneProxyIsOutOnTheOtherAndProbedOncePerPeriodAcrossBoth()
      throws Exception {
    FailoverProxy a = proxy("proxy-a");
    FailoverProxy b = proxy("proxy-b");
    awaitReachable(a, b);

    // A's request meets the exhausted key, ejects it, and is retried on the good one
    boolean sawBad = false;
    for (int i = 0; i < 2 && !sawBad; i++) {
      assertThat(chat(a).statusCode()).isEqualTo(200);
      sawBad = token(a, BAD).state() == TokenState.EJECTED;
    }
    assertThat(sawBad).as("the exhausted key was ejected on A").isTrue();
    await("B has the key out", () -> token(b, BAD).state() == TokenState.EJECTED);
    for (int i = 0; i < 4; i++) { // B never sends it: only the good key reaches the provider
      assertThat(chat(b).statusCode()).isEqualTo(200);
    }
    assertThat(token(b, BAD).requests()).as("B never sent the exhausted key").isZero();
    assertThat(token(b, GOOD).requests()).isEqualTo(4);
    upstream.drain();

    // one probe per period across both proxies
    long probes = 0;
    for (int period = 1; period <= 3; period++) {
      clock.advance(PROBE_DUE);
      for (FailoverProxy p : List.of(a, b)) {
        await(p + " scheduled its next probe", () -> probeScheduled(p, BAD));
      }
      probes += probes();
      assertThat(probes).as("probes after %d periods", period).isEqualTo(period);
    }

    // the status page of each shows the fleet view: the version, who probes, Redis reachable
    for (FailoverProxy p : List.of(a, b)) {
      JsonNode status = status(p);
      assertThat(status.path("fleet").path("reachable").asBoolean()).isTrue();
      assertThat(status.path("fleet").path("redis").asText()).isEqualTo(redis.uri());
      JsonNode fleet = tokenStatus(status, BAD).path("fleet");
      assertThat(fleet.path("version").asLong()).isPositive();
      assertThat(fleet.path("prober").asText()).isIn("proxy-a", "proxy-b");
      assertThat(tokenStatus(status, GOOD).path("fleet").path("prober").isNull()).isTrue();
    }
    assertThat(tokenStatus(status(a), BAD).path("fleet"))
        .isEqualTo(tokenStatus(status(b), BAD).path("fleet"));
    String prober = tokenStatus(status(a), BAD).path("fleet").path("prober").asText();
    assertThat(statusPageText(b)).contains("fleet: replica proxy-b, Redis reachable",
        "probed by " + prober);

    String stored = redis.dump();
    assertThat(stored).contains(TokenSpec.of(BAD).fingerprint()).doesNotContain(BAD, GOOD,
        "sk-fleet");
  }

  @Test
  void redisDownBothProxiesKeepServingAndStayReadyDegraded() throws Exception {
    FailoverProxy a = proxy("proxy-a");
    FailoverProxy b = proxy("proxy-b");
    awaitReachable(a, b);

    redis.stop();
    for (FailoverProxy p : List.of(a, b)) {
      await(p + " noticed Redis is down", () -> p.fleet().readiness().equals("degraded"));
      HttpResponse<String> ready = get(p, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(ready.body()).path("fleet").asText()).isEqualTo("degraded");
      assertThat(status(p).path("fleet").path("reachable").asBoolean()).isFalse();
      for (int i = 0; i < 3; i++) {
        assertThat(chat(p).statusCode()).as("serves while Redis is down").isEqualTo(200);
      }
    }
    // each works alone: B ejects the exhausted key itself
    assertThat(token(a, BAD).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token(b, BAD).state()).isEqualTo(TokenState.EJECTED);

    redis.start();
    for (FailoverProxy p : List.of(a, b)) {
      await(p + " is back in the fleet", () -> p.fleet().readiness().equals("ok"));
      HttpResponse<String> ready = get(p, "/readyz");
      assertThat(JSON.readTree(ready.body()).path("fleet").asText()).isEqualTo("ok");
    }
    await("the fleet's state is back in Redis",
        () -> redis.dump().contains(TokenSpec.of(BAD).fingerprint()));
  }

  @Test
  void aReloadKeepsTheFleetAndAttachesItToNewPools() throws Exception {
    FailoverProxy a = proxy("proxy-a");
    FailoverProxy b = proxy("proxy-b");
    awaitReachable(a, b);
    String renamed = gateway(upstream.uri(), redis.uri(), "proxy-a")
        .replace("name: openai", "name: renamed");
    a.reload(GatewayConfig.parse(renamed));
    FailoverProxy b2 = b;
    b.reload(GatewayConfig.parse(renamed.replace("proxy-a", "proxy-b")));

    assertThat(chat(a).statusCode()).isEqualTo(200);
    String fp = TokenSpec.of(BAD).fingerprint();
    await("the new pool on B has the key out", () -> b2.registry().pool("renamed").snapshot()
        .stream().anyMatch(t -> t.fingerprint().equals(fp)
            && t.state() == TokenState.EJECTED));
  }
}
