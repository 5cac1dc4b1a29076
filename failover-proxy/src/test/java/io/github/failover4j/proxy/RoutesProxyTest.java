package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.FaultUpstream.SSE_HEAD;
import static io.github.failover4j.proxy.FaultUpstream.chunk;
import static io.github.failover4j.proxy.HostileUpstreamTest.post;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static io.github.failover4j.proxy.HostileUpstreamTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Outages;
import io.github.failover4j.test.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routes and fallback through the proxy (SPEC §9, issue 11), end to end against two loopback
 * fake providers ({@link FaultUpstream}s): one test per rule. Engine time and the proxy's
 * timeouts run on a {@link ManualClock}.
 */
class RoutesProxyTest {
  static final String P1 = "sk-primary-00000000000000000001";
  static final String P2 = "sk-primary-00000000000000000002";
  static final String B1 = "sk-backup-000000000000000000001";
  static final String CHAT = "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":"
      + "\"hi\"}],\"temperature\": 0.5}";
  static final Pattern MODEL = Pattern.compile("\"model\":\"([^\"]*)\"");

  final ManualClock clock = new ManualClock();
  final List<AutoCloseable> toClose = new ArrayList<>();
  FaultUpstream primary;
  FaultUpstream backup;
  FailoverProxy proxy;
  /** Extra top-level lines of the gateway file (e.g. limits). */
  String extra = "";

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofSeconds(2)).join();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /**
   * Starts both fake providers and the proxy: {@code primary} (keys P1, P2, prefix /) and
   * {@code backup} (key B1, prefix /backup), the given failover rules for the primary, and the
   * given {@code routes:}.
   */
  void start(FaultUpstream.Script p, FaultUpstream.Script b, String primaryRules, String routes)
      throws Exception {
    start(p, b, primaryRules, "", routes);
  }

  void start(FaultUpstream.Script p, FaultUpstream.Script b, String primaryRules,
      String backupRules, String routes) throws Exception {
    primary = new FaultUpstream(p);
    backup = new FaultUpstream(b);
    toClose.add(primary);
    toClose.add(backup);
    String yaml = """
        outageCooldown: 30s
        %s
        providers:
          - name: primary
            upstream: %s
            apiTokens: [%s, %s]
            timeouts: {connect: 5s, response: 2s, firstByte: 1s, idle: 3s}
        %s
          - name: backup
            upstream: %s
            pathPrefix: /backup
            apiTokens: [%s]
            timeouts: {connect: 5s, response: 2s, firstByte: 1s, idle: 3s}
        %s
        routes:
        %s
        """.formatted(extra, primary.uri(), P1, P2, primaryRules.indent(4).stripTrailing(),
        backup.uri(), B1, backupRules.indent(4).stripTrailing(), routes.indent(2).stripTrailing());
    GatewayConfig gateway = GatewayConfig.parse(yaml);
    proxy = FailoverProxy.builder(gateway).listen(new InetSocketAddress("127.0.0.1", 0))
        .scheduler(clock).ticker(clock).threads(1).start();
  }

  static final String RULES = """
      retryOnFailure: {maxRetries: 1}
      failover:
        failure:
          conditions:
            - status_code: [400]
              body: "context_length_exceeded"
              action: fallback
            - status_code: [429, 500, 502, 503, 504]
      """;

  static final String BIG_TO_BACKUP = """
      - model: big
        targets: [{provider: primary}, {provider: backup, model: backup-model}]
      """;

  static String model(FaultUpstream.Request r) {
    Matcher m = MODEL.matcher(r.body());
    return m.find() ? m.group(1) : null;
  }

  /** A {@code 200} naming the model it was asked for, as a provider does. */
  static FaultUpstream.Script answersWithItsModel(String who) {
    return (r, s, out) -> FaultUpstream.ok("{\"model\":\"" + model(r) + "\",\"from\":\"" + who
        + "\"}").answer(r, s, out);
  }

  static FaultUpstream.Script status(int status, String body) {
    return (r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
          + body);
      return true;
    };
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.address().getPort());
    s.setSoTimeout(10_000); // a safety net only
    toClose.add(s);
    return s;
  }

  String[] chat(String body) throws IOException {
    Socket c = connect();
    send(c, post("/v1/chat/completions", body, ""));
    return readResponse(c);
  }

  String[] get(String path) throws IOException {
    Socket c = connect();
    send(c, "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n");
    return readResponse(c);
  }

  /** Waits (with a deadline) until a timer is armed to fire {@code d} from now. */
  void awaitDue(Duration d) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!clock.pendingDueTimes().contains(clock.nanoTime() + d.toNanos())) {
      assertThat(System.nanoTime() - deadline).as("timer armed within 10 s").isNegative();
      Thread.onSpinWait();
    }
  }

  static String header(String head, String name) {
    return FaultUpstream.readHeadHeader(head, name);
  }

  // ---------------------------------------------------------------- the rules

  @Test
  void fallsBackWhenTheRetriesAreSpentAndRewritesOnlyTheModel() throws Exception {
    start(status(503, "{\"error\":\"overloaded\"}"), answersWithItsModel("backup"), RULES,
        BIG_TO_BACKUP);
    String[] r = chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("\"model\":\"backup-model\"").contains("\"from\":\"backup\"");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("3");
    List<FaultUpstream.Request> tried = primary.drain();
    assertThat(tried).hasSize(2).allSatisfy(t -> assertThat(t.body()).isEqualTo(CHAT));
    assertThat(tried.stream().map(t -> t.header("authorization")).distinct()).hasSize(2);
    FaultUpstream.Request sent = backup.take();
    assertThat(sent.body()).isEqualTo(CHAT.replace("\"big\"", "\"backup-model\""));
    assertThat(sent.requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
    assertThat(sent.header("authorization")).isEqualTo("Bearer " + B1);
  }

  @Test
  void aResponseTimeoutFallsBackAtOnceWithoutTryingAnotherKey() throws Exception {
    start(null, answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    primary.script(primary.hang());
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    primary.take();
    awaitDue(Duration.ofSeconds(2));
    clock.advance(Duration.ofSeconds(2));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("2");
    assertThat(primary.drain()).as("no second key of the silent provider").isEmpty();
  }

  @Test
  void aStreamSilentBeforeItsFirstByteFallsBack() throws Exception {
    start(null, (r, s, out) -> {
      FaultUpstream.write(out, SSE_HEAD + chunk("data: {\"model\":\"" + model(r) + "\"}\n\n")
          + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
      return true;
    }, RULES, BIG_TO_BACKUP);
    primary.script(primary.stallAfter(SSE_HEAD, ""));
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT.replace("}", ",\"stream\":true}"), ""));
    primary.take();
    awaitDue(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("backup-model").contains("[DONE]").doesNotContain("error");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
    assertThat(primary.drain()).isEmpty();
  }

  @Test
  void actionFallbackGoesToTheNextTargetWithoutRetryingTheModel() throws Exception {
    start(status(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}"),
        answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    String[] r = chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("2");
    assertThat(primary.drain()).hasSize(1);
    assertThat(proxy.registry().pool("primary").snapshot())
        .allSatisfy(t -> assertThat(t.consecutiveFailures()).isZero());
  }

  @Test
  void anUnmatchedFailureGoesToTheClientWithNeitherRetryNorFallback() throws Exception {
    start(status(400, "{\"error\":{\"code\":\"content_policy_violation\"}}"),
        answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    String[] r = chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 400");
    assertThat(r[1]).contains("content_policy_violation");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/big");
    assertThat(primary.drain()).hasSize(1);
    assertThat(backup.drain()).isEmpty();
  }

  @Test
  void aModelDownForEveryKeyIsInOutageWhileAnotherModelOfTheSameKeysServes() throws Exception {
    boolean[] aDown = {true};
    start((r, s, out) -> {
      if ("a".equals(model(r)) && aDown[0]) {
        return status(503, "{\"error\":\"model a is down\"}").answer(r, s, out);
      }
      return answersWithItsModel("primary").answer(r, s, out);
    }, answersWithItsModel("backup"), RULES, """
        - model: a
          targets: [{provider: primary}, {provider: primary, model: b}]
        """);
    String chatA = CHAT.replace("\"big\"", "\"a\"");
    String[] r = chat(chatA);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/b");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("3");
    assertThat(primary.drain()).extracting(RoutesProxyTest::model).containsExactly("a", "a", "b");
    List<Outages.Snapshot> out = proxy.outages().snapshot();
    assertThat(out).extracting(Outages.Snapshot::target).containsExactly("primary/a");
    // the keys stay usable: the failures of model a were not charged to them
    assertThat(proxy.registry().pool("primary").snapshot())
        .allSatisfy(t -> assertThat(t.state().name()).isEqualTo("HEALTHY"));
    com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(get("/_failover/status")[1]);
    assertThat(status.at("/routes/0/targets/0/target").asText()).isEqualTo("primary/a");
    assertThat(status.at("/routes/0/targets/0/outage").asBoolean()).isTrue();
    assertThat(status.at("/routes/0/targets/1/target").asText()).isEqualTo("primary/b");
    assertThat(status.at("/routes/0/targets/1/outage").asBoolean()).isFalse();
    assertThat(status.at("/outages/0/target").asText()).isEqualTo("primary/a");
    assertThat(status.at("/outages/0/reason").asText())
        .contains("every key tried in one request failed");
    assertThat(get("/readyz")[0]).startsWith("HTTP/1.1 200");
    assertThat(get("/metrics")[1]).contains("failover_proxy_targets_in_outage 1.0");

    for (int i = 0; i < 3; i++) { // while in outage, model a is skipped: b serves at once
      r = chat(chatA);
      assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/b");
      assertThat(header(r[0], "x-failover-attempts")).isEqualTo("1");
    }
    assertThat(primary.drain()).extracting(RoutesProxyTest::model).containsOnly("b");

    aDown[0] = false; // model a recovers: one trial after the outage cooldown brings it back
    clock.advance(Duration.ofSeconds(30));
    r = chat(chatA);
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/a");
    assertThat(proxy.outages().snapshot()).isEmpty();
    r = chat(chatA);
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/a");
    assertThat(backup.drain()).isEmpty();
  }

  @Test
  void aStreamWhoseFirstEventIsAnErrorFallsBack() throws Exception {
    String rules = """
        failover:
          failure:
            conditions:
              - body: '"error"'
        """;
    start((r, s, out) -> {
      FaultUpstream.write(out, SSE_HEAD + chunk("data: {\"error\":{\"message\":\"quota\"}}\n\n")
          + "0\r\n\r\n");
      return true;
    }, (r, s, out) -> {
      FaultUpstream.write(out, SSE_HEAD + chunk("data: {\"x\":\"fine\"}\n\n") + "0\r\n\r\n");
      return true;
    }, rules, BIG_TO_BACKUP);
    String[] r = chat(CHAT.replace("}", ",\"stream\":true}"));
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("fine").doesNotContain("quota");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
  }

  @Test
  void aStreamThatBreaksAfterItsFirstTokenEndsWithTheErrorEventAndNoFallback() throws Exception {
    start(FaultUpstream.resetAfter(SSE_HEAD, chunk("data: {\"x\":\"Hel\"}\n\n")),
        answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT.replace("}", ",\"stream\":true}"), ""));
    InputStream in = c.getInputStream();
    String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(all).contains("x-failover-target: primary/big").contains("Hel")
        .contains("\"code\":\"stream_interrupted\"").doesNotContain("\r\n0\r\n\r\n");
    assertThat(backup.drain()).isEmpty();
  }

  @Test
  void aRequestNoRouteTakesGoesByItsPathPrefix() throws Exception {
    start(answersWithItsModel("primary"), answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    String[] r = chat(CHAT.replace("\"big\"", "\"small\""));
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("\"from\":\"primary\"");
    assertThat(header(r[0], "x-failover-target")).isNull();
    Socket c = connect();
    send(c, post("/backup/v1/chat/completions", CHAT.replace("\"big\"", "\"small\""), ""));
    assertThat(readResponse(c)[1]).contains("\"from\":\"backup\"");
    assertThat(backup.take().requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
  }

  @Test
  void aProviderWithoutKeysIsServedByTheRouteAndNothingSelectableIs503() throws Exception {
    String ejectOn503 = """
        retryOnFailure: {maxRetries: 1}
        failover:
          failure:
            conditions:
              - status_code: [503]
        """;
    start(status(503, "{}"), answersWithItsModel("backup"), ejectOn503, ejectOn503,
        BIG_TO_BACKUP);
    String small = CHAT.replace("\"big\"", "\"small\"");
    assertThat(chat(small)[0]).as("no route: by prefix, both keys tried and ejected")
        .startsWith("HTTP/1.1 503");
    assertThat(proxy.registry().pool("primary").snapshot())
        .allSatisfy(t -> assertThat(t.state().name()).isEqualTo("EJECTED"));
    String[] ready = get("/readyz");
    assertThat(ready[0]).startsWith("HTTP/1.1 200");
    assertThat(ready[1]).contains("a route's fallback target serves");

    String[] r = chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("1");

    backup.script(status(503, "{}")); // now the backup's only key goes too
    Socket c = connect();
    send(c, post("/backup/v1/chat/completions", small, ""));
    assertThat(readResponse(c)[0]).startsWith("HTTP/1.1 503");
    assertThat(proxy.registry().pool("backup").snapshot().get(0).state().name())
        .isEqualTo("EJECTED");
    r = chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 503");
    assertThat(r[1]).contains("no_healthy_target");
    assertThat(header(r[0], "retry-after")).isNotNull();
    assertThat(get("/readyz")[0]).startsWith("HTTP/1.1 503");
  }

  @Test
  void aRetryAfterIsWaitedOnTheProxysTimerBeforeTheNextKey() throws Exception {
    int[] n = {0};
    start((r, s, out) -> {
      if (n[0]++ == 0) {
        FaultUpstream.write(out,
            "HTTP/1.1 503 X\r\nRetry-After: 4\r\nContent-Length: 2\r\n\r\n{}");
        return true;
      }
      return answersWithItsModel("primary").answer(r, s, out);
    }, answersWithItsModel("backup"), """
        retryOnFailure: {maxRetries: 1, honorRetryAfter: 5s}
        failover:
          failure:
            conditions:
              - status_code: [503]
        """, BIG_TO_BACKUP);
    Socket c = connect();
    send(c, post("/v1/chat/completions", CHAT, ""));
    String first = primary.take().header("authorization");
    // the wait, on the proxy's (manual) clock: 4 s, unlike any timeout of the attempt
    awaitDue(Duration.ofSeconds(4));
    assertThat(primary.drain()).as("nothing sent during the wait").isEmpty();
    clock.advance(Duration.ofSeconds(4));
    String[] r = readResponse(c);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/big");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("2");
    assertThat(primary.take().header("authorization")).isNotEqualTo(first);
    assertThat(backup.drain()).isEmpty();
  }

  @Test
  void aBodyLargerThanTheRetryCapIsRoutedByItsPathPrefix() throws Exception {
    extra = "limits: {retryBodyBytes: 64}";
    start(status(503, "{}"), answersWithItsModel("backup"), RULES, BIG_TO_BACKUP);
    assertThat(CHAT.length()).isGreaterThan(64);
    String[] r = chat(CHAT);
    assertThat(r[0]).as("no fallback without a body to send again").startsWith("HTTP/1.1 503");
    assertThat(header(r[0], "x-failover-target")).isNull();
    assertThat(primary.drain()).hasSize(1).allSatisfy(t -> assertThat(t.body()).isEqualTo(CHAT));
    assertThat(backup.drain()).isEmpty();
  }

  // ---------------------------------------------------------------- the official SDK

  /** The backup as the OpenAI SDK expects it: a chat completion, or its SSE stream. */
  static FaultUpstream.Script openAiLike() {
    return (r, s, out) -> {
      String m = model(r);
      if (r.body().contains("\"stream\":true")) {
        String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"" + m + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
            + "\"%s\"},\"finish_reason\":null}]}";
        FaultUpstream.write(out, SSE_HEAD + chunk("data: " + chunk.formatted("Hel") + "\n\n")
            + chunk("data: " + chunk.formatted("lo") + "\n\n") + chunk("data: [DONE]\n\n")
            + "0\r\n\r\n");
        return true;
      }
      return FaultUpstream.ok("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"" + m + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"hello from backup\"},\"finish_reason\":\"stop\"}]}")
          .answer(r, s, out);
    };
  }

  com.openai.client.OpenAIClient sdk() {
    com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + proxy.address().getPort() + "/v1")
        .apiKey("client-key")
        .maxRetries(0) // the proxy falls back, not the SDK
        .build();
    toClose.add(client::close);
    return client;
  }

  static com.openai.models.chat.completions.ChatCompletionCreateParams sdkParams() {
    return com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("big")
        .addUserMessage("hi").build();
  }

  @Test
  void theOpenAiSdkIsServedByTheFallbackWhileThePrimaryIsDown() throws Exception {
    start(status(503, "{\"error\":\"down\"}"), openAiLike(), RULES, BIG_TO_BACKUP);
    com.openai.client.OpenAIClient client = sdk();
    for (int i = 0; i < 3; i++) {
      com.openai.models.chat.completions.ChatCompletion c =
          client.chat().completions().create(sdkParams());
      assertThat(c.choices().get(0).message().content()).hasValue("hello from backup");
      assertThat(c.model()).isEqualTo("backup-model");
    }
    assertThat(backup.drain()).hasSize(3)
        .allSatisfy(r -> assertThat(model(r)).isEqualTo("backup-model"));
  }

  @Test
  void theOpenAiSdkStreamIsServedByTheFallbackWhileThePrimaryIsDown() throws Exception {
    start(status(503, "{\"error\":\"down\"}"), openAiLike(), RULES, BIG_TO_BACKUP);
    com.openai.client.OpenAIClient client = sdk();
    for (int i = 0; i < 3; i++) {
      try (com.openai.core.http.StreamResponse<
          com.openai.models.chat.completions.ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(sdkParams())) {
        String text = stream.stream()
            .flatMap(chunk -> chunk.choices().stream())
            .map(choice -> choice.delta().content().orElse(""))
            .collect(java.util.stream.Collectors.joining());
        assertThat(text).isEqualTo("Hello");
      }
    }
    assertThat(backup.drain()).hasSize(3);
  }
}
