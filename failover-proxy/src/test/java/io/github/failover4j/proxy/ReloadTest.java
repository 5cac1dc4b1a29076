package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_B;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_C;
import static io.github.failover4j.proxy.ServiceFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.spi.TokenEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reload without a restart, by the admin endpoint and by a change of the file. */
class ReloadTest extends ServiceTestBase {
  /** The provider's failover block, indented under a provider of {@link #gateway}. */
  static final String RULES = String.join("\n",
      "    failover:",
      "      failure:",
      "        conditions:",
      "          - {status_code: [429], action: eject}",
      "      healthCheck:",
      "        periodSeconds: 30",
      "        model: probe-model",
      "        conditions: [{status_code: [200]}]",
      "");


  static String gateway(List<String> tokens, String more) {
    return """
        providers:
          - name: openai
            upstream: %%UPSTREAM%%
            apiTokens: [%s]
        %s%s""".formatted(String.join(", ", tokens), RULES, more);
  }

  /** A and B answer 429 and get ejected; C answers 200. */
  void startWithAAndBEjected() throws Exception {
    TestUpstream up = new TestUpstream().on(TOKEN_A, TestUpstream.quotaExhausted())
        .on(TOKEN_B, TestUpstream.quotaExhausted());
    f = new ServiceFixture(up, dir, gateway(List.of(TOKEN_A, TOKEN_B), ""));
    f.chat("m");
    f.chat("m");
    f.await(TokenEvent.Kind.EJECTED);
    f.await(TokenEvent.Kind.EJECTED);
    assertThat(token("openai", TOKEN_A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token("openai", TOKEN_B).state()).isEqualTo(TokenState.EJECTED);
    f.upstream.drain();
  }

  @Test
  void theAdminEndpointAppliesANewFileKeepingStateAddingAndRemovingTokensAndProviders()
      throws Exception {
    startWithAAndBEjected();
    f.write(gateway(List.of(TOKEN_A, TOKEN_C), """
          - name: other
            upstream: %%UPSTREAM%%
            pathPrefix: /other
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: [429], action: eject}]}}
        """.formatted(TOKEN_B)));
    HttpResponse<String> r = f.post("/_failover/reload");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("reloaded").asBoolean()).isTrue();
    assertThat(body.get("providers").toString()).contains("openai", "other");

    assertThat(token("openai", TOKEN_A).state()).as("a token that stays keeps its state")
        .isEqualTo(TokenState.EJECTED);
    assertThat(token("openai", TOKEN_A).ejections()).isEqualTo(1);
    assertThat(token("openai", TOKEN_C).state()).as("a new token starts healthy")
        .isEqualTo(TokenState.HEALTHY);
    assertThat(token("openai", TOKEN_B)).as("a removed token is gone").isNull();
    assertThat(token("other", TOKEN_B).state()).isEqualTo(TokenState.HEALTHY);

    // the removed token is not probed any more; the ejected one that stayed still is
    List<TestUpstream.Received> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int round = 1; round <= 2; round++) {
      eventually("A's next probe is scheduled", () -> {
        Duration next = token("openai", TOKEN_A).nextProbeIn();
        return next != null && !next.isZero();
      });
      // to the probe's time exactly (a longer step would also fire its timeout)
      f.clock.advance(token("openai", TOKEN_A).nextProbeIn());
      assertThat(f.await(TokenEvent.Kind.PROBE_FAILED).tokenId())
          .isEqualTo(TokenSpec.maskedId(TOKEN_A));
      got.addAll(f.upstream.drain());
    }
    assertThat(got).filteredOn(x -> x.isProbe() && TOKEN_A.equals(x.token())).hasSize(2);
    got.addAll(f.upstream.drain());
    assertThat(got).noneMatch(x -> TOKEN_B.equals(x.token()));

    // requests go to the new token; the new provider serves its prefix
    assertThat(f.chat("m").statusCode()).isEqualTo(200);
    assertThat(f.upstream.take().token()).isEqualTo(TOKEN_C);
    assertThat(f.get("/other/v1/models").statusCode()).isEqualTo(429); // B still says 429
    assertThat(f.upstream.take().path()).isEqualTo("/v1/models");
    assertThat(f.operatorLog).anySatisfy(l -> assertThat(l).contains("reloaded",
        "admin endpoint"));

    // removing a provider: its prefix is no longer served
    f.write(gateway(List.of(TOKEN_A, TOKEN_C), ""));
    assertThat(f.post("/_failover/reload").statusCode()).isEqualTo(200);
    assertThat(f.proxy.registry().find("other")).isEmpty();
    assertThat(f.get("/other/v1/models").statusCode()).isEqualTo(200); // now under "/" again
    assertThat(f.upstream.take().token()).isEqualTo(TOKEN_C);
  }

  @Test
  void anInvalidFileChangesNothingAndIsAnswered400WithEveryProblem() throws Exception {
    startWithAAndBEjected();
    f.write("""
        providers:
          - name: openai
            upstream: ftp://nowhere
            apiTokens: [%s, "${NOT_SET_ANYWHERE_FAILOVER4J}"]
            failover: {failure: {failureTreshold: 2}}
        """.formatted(TOKEN_C));
    HttpResponse<String> r = f.post("/_failover/reload");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode problems = new ObjectMapper().readTree(r.body()).get("error").get("problems");
    assertThat(problems.toString()).contains("providers[0].upstream",
        "NOT_SET_ANYWHERE_FAILOVER4J is not set", "failureTreshold");
    assertThat(token("openai", TOKEN_A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token("openai", TOKEN_B).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token("openai", TOKEN_C)).isNull();
    assertThat(f.operatorLog).anySatisfy(l -> assertThat(l).contains("refused",
        "nothing changed"));
    assertThat(f.operatorLog).anySatisfy(l -> assertThat(l).contains("failureTreshold"));
  }

  @Test
  void aChangeOfTheFileIsReloadedByItselfAndABadOneIsNot() throws Exception {
    startWithAAndBEjected();
    f.proxy.service().reloader().watch(Duration.ofMillis(50));
    f.write("providers: [ this is not valid");
    eventually("the bad file is refused", () -> f.operatorLog.stream()
        .anyMatch(l -> l.contains("file changed") && l.contains("refused")));
    assertThat(token("openai", TOKEN_A).state()).isEqualTo(TokenState.EJECTED);

    f.write(gateway(List.of(TOKEN_A, TOKEN_C), ""));
    eventually("the good file is applied", () -> token("openai", TOKEN_C) != null);
    assertThat(token("openai", TOKEN_A).state()).isEqualTo(TokenState.EJECTED);
    assertThat(token("openai", TOKEN_B)).isNull();
    eventually("the reload is logged", () -> f.operatorLog.stream()
        .anyMatch(l -> l.contains("reloaded") && l.contains("file changed")));
  }

  @Test
  void requestsInFlightFinishOnTheConfigurationTheyStartedWith() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream up = new TestUpstream().on(TOKEN_A, TestUpstream.slow(release));
    f = new ServiceFixture(up, dir, gateway(List.of(TOKEN_A), ""));
    try {
      CompletableFuture<HttpResponse<String>> inFlight = f.client.sendAsync(
          java.net.http.HttpRequest.newBuilder(f.uri("/v1/chat/completions"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(f.upstream.take().token()).isEqualTo(TOKEN_A); // waiting at the upstream
      f.write(gateway(List.of(TOKEN_C), ""));
      assertThat(f.post("/_failover/reload").statusCode()).isEqualTo(200);
      assertThat(token("openai", TOKEN_A)).isNull();
      release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(f.chat("m").statusCode()).isEqualTo(200);
      assertThat(f.upstream.take().token()).isEqualTo(TOKEN_C);
    } finally {
      release.countDown();
    }
  }
}
