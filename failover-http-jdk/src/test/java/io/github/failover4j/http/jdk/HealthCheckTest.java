package io.github.failover4j.http.jdk;

import io.github.failover4j.fixtures.Compressed;
import static io.github.failover4j.http.jdk.Fixtures.HEALING;
import static io.github.failover4j.http.jdk.Fixtures.SLOW;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static io.github.failover4j.http.jdk.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenEvent.Kind;
import java.io.IOException;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ejected tokens probed by the real JDK prober against the loopback provider, with the
 * engine's time on a manual clock: probes are sent when the test moves time, and their answers
 * arrive on the HTTP client's threads, which the test waits for through listener events.
 */
class HealthCheckTest {
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Longer than a period plus its 10% jitter: exactly one probe falls due. */
  private static final Duration ONE_PERIOD = Duration.ofSeconds(11);

  private FakeProvider provider;
  private JdkTransport transport;
  private final TestClock clock = new TestClock(PERIOD);
  private final BlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider();
    transport = JdkTransport.create(Fixtures.http());
  }

  @AfterEach
  void stop() {
    transport.close();
    provider.close();
  }

  private TokenPool pool(int successThreshold, String token) {
    HealthCheck check = new HealthCheck(PERIOD, TIMEOUT, successThreshold, "ping, who are you?",
        "tiny-model", HealthCheck.DEFAULT_PATH,
        List.of(Condition.status(200).withBody("我是.*")));
    return TokenPool.builder("probed").tokens(token)
        .config(FailoverConfig.builder().conditions(Condition.status(429)).healthCheck(check)
            .build())
        .upstream(provider.uri())
        .prober(transport.prober()).scheduler(clock).ticker(clock)
        .listener(events::add)
        .build();
  }

  /** Sends a request that fails, so the token (threshold 1) is ejected. */
  private void eject(TokenPool pool, String token) throws Exception {
    provider.on(token, FakeProvider.quota());
    FailoverHttpClient.builder().pool(pool).httpClient(Fixtures.http()).build()
        .send(chat(provider.uri()), BodyHandlers.ofString());
    assertThat(next()).extracting(TokenEvent::kind).isEqualTo(Kind.EJECTED);
    clock.awaitProbeScheduled();
  }

  private TokenEvent next() throws InterruptedException {
    TokenEvent e = events.poll(TestClock.WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(e).as("an event arrived").isNotNull();
    return e;
  }

  /** Lets one probe fall due and waits for its result. */
  private TokenEvent probe() throws InterruptedException {
    clock.advance(ONE_PERIOD);
    return next();
  }

  @Test
  void aTokenHealsAfterConsecutivePassingProbes() throws Exception {
    TokenPool pool = pool(2, HEALING);
    eject(pool, HEALING);
    // answers to probes: fail, pass, fail (resets the run), pass, pass (restores)
    provider.on(HEALING, FakeProvider.sequence(FakeProvider.unavailable(), FakeProvider.ok(),
        FakeProvider.unavailable(), FakeProvider.ok(), FakeProvider.ok()));

    List<Kind> expected = List.of(Kind.PROBE_FAILED, Kind.PROBE_PASSED, Kind.PROBE_FAILED,
        Kind.PROBE_PASSED);
    for (Kind kind : expected) {
      assertThat(probe().kind()).isEqualTo(kind);
      assertThat(state(pool, HEALING).state()).isEqualTo(TokenState.EJECTED);
      clock.awaitProbeScheduled();
    }
    assertThat(probe().kind()).isEqualTo(Kind.PROBE_PASSED);
    assertThat(next().kind()).isEqualTo(Kind.RESTORED);
    assertThat(state(pool, HEALING).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(state(pool, HEALING).consecutiveFailures()).isZero();
    assertThat(state(pool, HEALING).probes()).isEqualTo(5);

    List<FakeProvider.Call> probes = provider.calls(HEALING).subList(1, 6);
    ObjectMapper json = new ObjectMapper();
    for (FakeProvider.Call call : probes) {
      assertThat(call.method()).isEqualTo("POST");
      assertThat(call.path()).isEqualTo(HealthCheck.DEFAULT_PATH);
      assertThat(call.header("Authorization")).isEqualTo("Bearer " + HEALING);
      assertThat(call.header("Content-Type")).isEqualTo("application/json");
      JsonNode body = json.readTree(call.body());
      assertThat(body.path("model").asText()).isEqualTo("tiny-model");
      assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
      assertThat(body.path("messages").get(0).path("content").asText())
          .isEqualTo("ping, who are you?");
    }
  }

  @Test
  void aCompressedProbeAnswerIsJudgedInflated() throws Exception {
    TokenPool pool = pool(1, HEALING);
    eject(pool, HEALING);
    // the compressed bytes never hold "我是": only the inflated answer can pass
    provider.on(HEALING, FakeProvider.sequence(
        FakeProvider.encoded(200, Compressed.gzip("{\"content\":\"nobody here\"}"), "gzip"),
        FakeProvider.encoded(200, Compressed.gzip(FakeProvider.OK_BODY), "gzip")));

    assertThat(probe().kind()).isEqualTo(Kind.PROBE_FAILED);
    clock.awaitProbeScheduled();
    assertThat(probe().kind()).isEqualTo(Kind.PROBE_PASSED);
    assertThat(next().kind()).isEqualTo(Kind.RESTORED);
    assertThat(state(pool, HEALING).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void aSlowProbeTimesOutOnTheEnginesClock() throws Exception {
    TokenPool pool = pool(1, SLOW);
    eject(pool, SLOW);
    FakeProvider.Slow slow = new FakeProvider.Slow();
    provider.on(SLOW, slow);

    clock.advance(ONE_PERIOD);
    assertThat(slow.arrived.await(TestClock.WAIT_SECONDS, TimeUnit.SECONDS))
        .as("the probe reached the provider").isTrue();
    assertThat(events).as("no verdict while the provider holds the answer").isEmpty();

    clock.advance(TIMEOUT); // the engine's probe timer fires on this thread
    TokenEvent timedOut = next();
    assertThat(timedOut.kind()).isEqualTo(Kind.PROBE_FAILED);
    assertThat(timedOut.reason()).contains("timed out");
    slow.release(); // the late answer must not count
    clock.awaitProbeScheduled();
    assertThat(state(pool, SLOW).state()).isEqualTo(TokenState.EJECTED);

    provider.on(SLOW, FakeProvider.ok());
    assertThat(probe().kind()).isEqualTo(Kind.PROBE_PASSED);
    assertThat(next().kind()).isEqualTo(Kind.RESTORED);
    assertThat(state(pool, SLOW).state()).isEqualTo(TokenState.HEALTHY);
  }
}
