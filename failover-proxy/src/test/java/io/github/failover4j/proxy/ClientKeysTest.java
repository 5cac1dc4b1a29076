package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_1;
import static io.github.failover4j.proxy.ServiceFixture.CLIENT_KEY_2;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.netty.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Client keys over real HTTP on loopback: every way a key may come, and every way it fails. */
class ClientKeysTest extends ServiceTestBase {

  ServiceFixture start(String authBlock) throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(CLIENT_KEY_2.getBytes(StandardCharsets.UTF_8)));
    f = new ServiceFixture(new TestUpstream().authHeader("x-api-key"), dir, """
        clients:
          - {name: team-one, key: %s}
          - {name: team-two, keySha256: %s}
        accessLog: {format: text}
        providers:
          - name: anthropic
            upstream: %%UPSTREAM%%
            %s
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: [429], action: eject}]}}
        """.formatted(CLIENT_KEY_1, sha, authBlock, TOKEN_A));
    return f;
  }

  @Test
  void aGoodKeyAsBearerIsServedAndNeverForwarded() throws Exception {
    start("auth: {header: x-api-key}");
    HttpResponse<String> r = f.chat("m", "Authorization", "Bearer " + CLIENT_KEY_1);
    assertThat(r.statusCode()).isEqualTo(200);
    TestUpstream.Received got = f.upstream.take();
    assertThat(got.token()).isEqualTo(TOKEN_A);
    assertThat(got.headers().toString()).doesNotContain(CLIENT_KEY_1);
    assertThat(got.header("authorization")).isNull();
    ServiceFixture.eventually("an access log line", () -> !f.accessLog.isEmpty());
    assertThat(f.accessLog.get(0)).contains("client=team-one", "provider=anthropic",
        "model=m", "attempts=1", "status=200", "token=sk-…aa01");
  }

  @Test
  void aKeyGivenAsSha256InTheProvidersOwnHeaderIsServed() throws Exception {
    start("auth: {header: x-api-key}");
    HttpResponse<String> r = f.chat("m", "x-api-key", CLIENT_KEY_2);
    assertThat(r.statusCode()).isEqualTo(200);
    TestUpstream.Received got = f.upstream.take();
    assertThat(got.token()).isEqualTo(TOKEN_A); // the client's x-api-key was replaced
    assertThat(got.headers().toString()).doesNotContain(CLIENT_KEY_2);
    ServiceFixture.eventually("an access log line", () -> !f.accessLog.isEmpty());
    assertThat(f.accessLog.get(0)).contains("client=team-two");
  }

  @Test
  void aWrongKeyAMissingKeyAndANearMissAre401InOpenAisShapeAndNeverReachTheUpstream()
      throws Exception {
    start("");
    String nearMiss = CLIENT_KEY_1.substring(0, CLIENT_KEY_1.length() - 1) + "2";
    for (String[] headers : new String[][] {
        {"Authorization", "Bearer wrong-key-000000000000000000"},
        {"Authorization", "Bearer " + nearMiss},
        {"Authorization", "Bearer " + CLIENT_KEY_1 + "x"},
        {"Authorization", CLIENT_KEY_1}, // no scheme: not a bearer token
        {"x-api-key", "wrong"},
        // not this provider's auth header: never taken as a key (it is not stripped either)
        {"x-api-key", CLIENT_KEY_1},
        {}}) {
      HttpResponse<String> r = f.chat("m", headers);
      assertThat(r.statusCode()).as(String.join(" ", headers)).isEqualTo(401);
      JsonNode error = new ObjectMapper().readTree(r.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
      assertThat(error.get("message").asText()).contains("client key");
      assertThat(error.has("param")).isTrue();
    }
    assertThat(f.upstream.drain()).isEmpty();
    assertThat(f.proxy.service().metrics().scrape())
        .contains("client=\"unauthenticated\"");
  }

  @Test
  void withoutClientsEveryRequestIsServed() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, """
        providers:
          - name: openai
            upstream: %%UPSTREAM%%
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: [429], action: eject}]}}
        """.formatted(TOKEN_A));
    assertThat(f.chat("m").statusCode()).isEqualTo(200);
  }

  @Test
  void matchingIsBySha256OnlyAndComparesEveryClient() {
    ClientKeys keys = new ClientKeys(java.util.List.of(
        new ClientKeys.Client("a", KeyDigest.of(CLIENT_KEY_1)),
        new ClientKeys.Client("b", KeyDigest.of(CLIENT_KEY_2))));
    assertThat(keys.match(CLIENT_KEY_1)).isEqualTo("a");
    assertThat(keys.match(CLIENT_KEY_2)).isEqualTo("b");
    assertThat(keys.match(CLIENT_KEY_1.substring(1))).isNull();
    assertThat(keys.match("")).isNull();
    assertThat(keys.match(null)).isNull();
    assertThat(keys.toString()).isEqualTo("ClientKeys[a, b]");
  }
}
