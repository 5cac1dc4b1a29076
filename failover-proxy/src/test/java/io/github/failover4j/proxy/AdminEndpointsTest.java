package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.ADMIN_KEY;
import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_1;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_B;
import static io.github.failover4j.proxy.ServiceFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.spi.TokenEvent;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The admin endpoints, health and readiness over real HTTP on loopback. */
class AdminEndpointsTest extends ServiceTestBase {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String WITH_ADMIN = """
      admin: {key: %s}
      clients: [{name: team-one, key: %s}]
      providers:
        - name: openai
          upstream: %%UPSTREAM%%
          apiTokens: [%s, %s]
          failover:
            failure:
              conditions:
                - {status_code: [429], action: eject}
      """.formatted(ADMIN_KEY, CLIENT_KEY_1, TOKEN_A, TOKEN_B);
  static final String NO_ADMIN = """
      providers:
        - name: openai
          upstream: %%UPSTREAM%%
          apiTokens: [%s, %s]
          failover: {failure: {conditions: [{status_code: [429], action: eject}]}}
      """.formatted(TOKEN_A, TOKEN_B);


  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void adminEndpointsAskForTheAdminKeyAsBearerOrBasicAndTellTheBrowserSo() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, WITH_ADMIN);
    for (String path : new String[] {"/_failover/", "/_failover/status"}) {
      HttpResponse<String> missing = f.get(path);
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("www-authenticate")).get().asString()
          .startsWith("Basic realm=");
      assertThat(f.get(path, "Authorization", "Bearer wrong-admin-key-000000000")
          .statusCode()).isEqualTo(401);
      assertThat(f.get(path, "Authorization", "Bearer " + CLIENT_KEY_1).statusCode())
          .as("a client key is no admin key").isEqualTo(401);
      assertThat(f.get(path, "Authorization", basic("ops", "wrong")).statusCode())
          .isEqualTo(401);
      assertThat(f.get(path, "Authorization", "Bearer " + ADMIN_KEY).statusCode())
          .isEqualTo(200);
      assertThat(f.get(path, "Authorization", basic("anyone", ADMIN_KEY)).statusCode())
          .isEqualTo(200);
    }
    assertThat(f.post("/_failover/reload").statusCode()).isEqualTo(401);
    assertThat(f.upstream.drain()).isEmpty();
  }

  @Test
  void statusShowsMaskedIdsFingerprintsAndStatesAndNeverAToken() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, NO_ADMIN);
    HttpResponse<String> r = f.get("/_failover/status");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode p = json(r).get("providers").get(0);
    assertThat(p.get("name").asText()).isEqualTo("openai");
    assertThat(p.get("tokens").get(0).get("id").asText())
        .isEqualTo(TokenSpec.maskedId(TOKEN_A));
    assertThat(p.get("tokens").get(1).get("fingerprint").asText())
        .isEqualTo(TokenSpec.of(TOKEN_B).fingerprint());
    assertThat(json(r).get("ready").asBoolean()).isTrue();
    assertThat(json(r).get("events")).isEmpty();
  }

  @Test
  void disableAndRestoreByMaskedIdOrFingerprintUseThePoolsOperatorApi() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, WITH_ADMIN);
    String auth = "Bearer " + ADMIN_KEY;
    String masked = URLEncoder.encode(TokenSpec.maskedId(TOKEN_A), StandardCharsets.UTF_8);
    HttpResponse<String> off = f.post("/_failover/providers/openai/tokens/" + masked
        + "/disable", "Authorization", auth);
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(json(off).get("state").asText()).isEqualTo("DISABLED");
    assertThat(json(off).get("changed").asBoolean()).isTrue();
    f.await(TokenEvent.Kind.DISABLED);
    assertThat(state(TOKEN_A)).isEqualTo(TokenState.DISABLED);
    // every request now goes to the other token
    for (int i = 0; i < 3; i++) {
      assertThat(f.chat("m", "Authorization", "Bearer " + CLIENT_KEY_1).statusCode())
          .isEqualTo(200);
      assertThat(f.upstream.take().token()).isEqualTo(TOKEN_B);
    }
    String fp = TokenSpec.of(TOKEN_A).fingerprint();
    HttpResponse<String> on = f.post("/_failover/providers/openai/tokens/" + fp + "/restore",
        "Authorization", basic("ops", ADMIN_KEY));
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(json(on).get("state").asText()).isEqualTo("HEALTHY");
    assertThat(state(TOKEN_A)).isEqualTo(TokenState.HEALTHY);
    assertThat(f.operatorLog).anySatisfy(l -> assertThat(l).contains("disabled", "sk-…aa01"));

    assertThat(f.post("/_failover/providers/nope/tokens/" + fp + "/disable", "Authorization",
        auth).statusCode()).isEqualTo(404);
    assertThat(f.post("/_failover/providers/openai/tokens/nope/disable", "Authorization", auth)
        .statusCode()).isEqualTo(404);
    assertThat(f.post("/_failover/providers/openai/tokens/" + fp + "/explode", "Authorization",
        auth).statusCode()).isEqualTo(404);
    assertThat(f.get("/_failover/providers/openai/tokens/" + fp + "/disable", "Authorization",
        auth).statusCode()).isEqualTo(405);
    HttpResponse<String> csrf = f.post("/_failover/providers/openai/tokens/" + fp
        + "/disable", "Authorization", auth, "Origin", "https://evil.example");
    assertThat(csrf.statusCode()).as("another web origin").isEqualTo(403);
    assertThat(state(TOKEN_A)).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void healthAndReadinessAreOpenAndReadinessFollowsTheTokens() throws Exception {
    f = new ServiceFixture(new TestUpstream().on(TOKEN_A, TestUpstream.quotaExhausted())
        .on(TOKEN_B, TestUpstream.quotaExhausted()), dir, WITH_ADMIN);
    assertThat(f.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(f.get("/healthz").body()).isEqualTo("ok\n");
    HttpResponse<String> ready = f.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("providers").get("openai").asText()).isEqualTo("ready");
    // both tokens answer 429, which ejects: the provider has nothing left to select
    f.chat("m", "Authorization", "Bearer " + CLIENT_KEY_1);
    f.chat("m", "Authorization", "Bearer " + CLIENT_KEY_1);
    ServiceFixture.eventually("both tokens ejected", () -> state(TOKEN_A) != TokenState.HEALTHY
        && state(TOKEN_B) != TokenState.HEALTHY);
    HttpResponse<String> notReady = f.get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(json(notReady).get("ready").asBoolean()).isFalse();
    assertThat(json(notReady).get("providers").get("openai").asText())
        .isEqualTo("no selectable token");
    assertThat(f.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void theProxysOwnPathsAreNeverForwardedEvenUnderTheRootPrefix() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, NO_ADMIN); // pathPrefix "/": all routed
    for (String path : new String[] {"/health", "/healthz", "/readyz", "/metrics",
        "/_failover", "/_failover/", "/_failover/status", "/_failover/nothing-here",
        "/_failover/providers/openai/tokens"}) {
      HttpResponse<String> r = f.get(path);
      assertThat(r.statusCode()).as(path).isIn(200, 404, 405);
    }
    assertThat(f.post("/healthz").statusCode()).isEqualTo(405);
    assertThat(f.upstream.drain()).as("requests that reached the upstream").isEmpty();
    // a path under the provider's prefix is forwarded as before
    assertThat(f.get("/v1/models").statusCode()).isEqualTo(200);
    assertThat(f.upstream.take().path()).isEqualTo("/v1/models");
  }

  @Test
  void withoutAnAdminKeyTheAdminEndpointsAnswerOnlyLoopbackClients() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, NO_ADMIN);
    assertThat(f.get("/_failover/status").statusCode()).isEqualTo(200); // loopback
    // The same pipeline on a connection that is not from loopback (an embedded channel has
    // no IP address at all): refused, while health stays open.
    ClientGuard.Tracker tracker = new ClientGuard(ClientLimits.DEFAULTS).tracker();
    EmbeddedChannel remote = new EmbeddedChannel(tracker.first(), tracker,
        new RequestObserver(f.proxy.service()), new FrontendHandler(f.proxy, tracker));
    try {
      remote.writeInbound(request("/_failover/status"));
      FullHttpResponse refused = remote.readOutbound();
      assertThat(refused.status().code()).isEqualTo(403);
      assertThat(refused.content().toString(StandardCharsets.UTF_8))
          .contains("admin_loopback_only");
      refused.release();
      remote.writeInbound(request("/healthz"));
      FullHttpResponse health = remote.readOutbound();
      assertThat(health.status().code()).isEqualTo(200);
      health.release();
    } finally {
      remote.finishAndReleaseAll();
    }
  }

  static DefaultFullHttpRequest request(String path) {
    DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        path);
    r.headers().set("Host", "proxy.example");
    return r;
  }

  @Test
  void reloadWithoutAConfigFileIs409() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, NO_ADMIN);
    try (FailoverProxy bare = FailoverProxy.builder(f.proxy.routing().config())
        .listen(new java.net.InetSocketAddress("127.0.0.1", 0)).threads(1).start()) {
      HttpResponse<String> r = f.client.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + bare.address().getPort()
              + "/_failover/reload")).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(409);
    }
  }

  TokenState state(String secret) {
    return token("openai", secret).state();
  }
}
