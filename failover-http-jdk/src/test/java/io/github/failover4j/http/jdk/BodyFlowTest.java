package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA;
import static io.github.failover4j.http.jdk.Fixtures.STREAM;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static io.github.failover4j.http.jdk.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How bodies flow when the rules read them: streamed chunk by chunk (tee), or held back up to
 * the cap while a retry is still possible, and then handed over whole.
 */
class BodyFlowTest {
  private FakeProvider provider;

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider().on(OK, FakeProvider.ok()).on(QUOTA, FakeProvider.quota());
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private TokenPool pool(FailoverConfig config, String... tokens) {
    return Fixtures.pool(provider, config, tokens);
  }

  /** Rules that read every body, so every response goes through the body path. */
  private static FailoverConfig.Builder bodyRules() {
    return FailoverConfig.builder().failureThreshold(3)
        .conditions(Condition.body("No quota available"));
  }

  @ParameterizedTest(name = "retry configured: {0}")
  @ValueSource(booleans = {false, true})
  void sseEventsReachTheCallerBeforeTheStreamEnds(boolean retry) throws Exception {
    FakeProvider.Sse sse = new FakeProvider.Sse("one", "two", "three");
    provider.on(STREAM, sse);
    TokenPool pool = pool(bodyRules().retry(retry ? RetryPolicy.of(1) : null).build(), STREAM);

    HttpResponse<Stream<String>> r = Fixtures.client(pool).send(chat(provider.uri()),
        BodyHandlers.ofLines());
    Iterator<String> lines = r.body().iterator();
    assertThat(lines.next()).isEqualTo("data: one");
    assertThat(sse.lastSent.getCount()).as("the last event is not sent yet").isEqualTo(1);
    assertThat(state(pool, STREAM).requests()).as("not judged yet: the prefix is short")
        .isZero();

    sse.releaseLast();
    List<String> rest = new ArrayList<>();
    lines.forEachRemaining(rest::add);
    assertThat(rest).containsExactly("", "data: two", "", "data: three", "");
    TokenSnapshot s = state(pool, STREAM);
    assertThat(s.requests()).as("judged at the end of the stream").isEqualTo(1);
    assertThat(s.failures()).isZero();
  }

  @Test
  void aFailureInsideAStreamIsRecordedButNotRetried() throws Exception {
    FakeProvider.Sse sse = new FakeProvider.Sse("No quota available", "bye");
    provider.on(STREAM, sse);
    sse.releaseLast();
    TokenPool pool = pool(bodyRules().retry(RetryPolicy.of(1)).build(), STREAM, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(STREAM).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      if (r.body().contains("data:")) {
        assertThat(r.body()).isEqualTo("data: No quota available\n\ndata: bye\n\n");
      }
    }
    TokenSnapshot s = state(pool, STREAM);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(provider.calls(OK)).as("the stream was not retried").hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void theCapStopsJudgingButNotTheStream() throws Exception {
    String big = randomText(200_000);
    provider.on(OK, FakeProvider.ok(big + "No quota available"));
    TokenPool pool = pool(bodyRules().maxBodyBytes(1024).build(), OK);
    HttpResponse<String> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo(big + "No quota available");
    assertThat(state(pool, OK).failures()).as("the match lies past the cap").isZero();
    assertThat(state(pool, OK).requests()).isEqualTo(1);
  }

  @ParameterizedTest(name = "cap {0} bytes")
  @ValueSource(ints = {0, 1, 1024, 300_000})
  void aHeldBodyReachesTheCallerWholeAsAString(int cap) throws Exception {
    String big = randomText(200_000);
    provider.on(OK, FakeProvider.ok(big));
    TokenPool pool = pool(bodyRules().maxBodyBytes(cap).retry(RetryPolicy.of(1)).build(), OK);
    HttpResponse<String> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo(big);
    assertThat(state(pool, OK).requests()).isEqualTo(1);
  }

  @Test
  void aHeldBodyReachesTheCallerWholeAsAStreamAndAsync() throws Exception {
    String big = randomText(500_000);
    provider.on(OK, FakeProvider.ok(big));
    TokenPool pool = pool(bodyRules().maxBodyBytes(4096).retry(RetryPolicy.of(1)).build(), OK);
    HttpResponse<InputStream> r = Fixtures.client(pool)
        .sendAsync(chat(provider.uri()), BodyHandlers.ofInputStream()).join();
    try (InputStream in = r.body()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(big);
    }
  }

  @Test
  void aHeldBodyMayBeCancelledByTheCaller() throws Exception {
    String big = randomText(500_000);
    provider.on(OK, FakeProvider.ok(big));
    TokenPool pool = pool(bodyRules().maxBodyBytes(4096).retry(RetryPolicy.of(1)).build(), OK);
    HttpResponse<InputStream> r = Fixtures.client(pool)
        .send(chat(provider.uri()), BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] first = in.readNBytes(10);
      assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(big.substring(0, 10));
    } // closing cancels the rest
    assertThat(state(pool, OK).requests()).isEqualTo(1);
  }

  @Test
  void aBodyFailureFoundInTheHeldPrefixIsRetried() throws Exception {
    provider.on(QUOTA, FakeProvider.ok("{\"error\":\"No quota available\"}"));
    TokenPool pool = pool(bodyRules().retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertThat(state(pool, QUOTA).consecutiveFailures()).isEqualTo(1);
    assertThat(state(pool, QUOTA).state()).isEqualTo(TokenState.HEALTHY);
  }

  private static String randomText(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return IntStream.range(0, length).mapToObj(i -> String.valueOf((char) ('a' + r.nextInt(26))))
        .collect(Collectors.joining());
  }
}
