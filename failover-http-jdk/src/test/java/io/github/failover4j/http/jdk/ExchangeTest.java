package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;

/** How a request is prepared for each attempt, without a server. */
class ExchangeTest {
  private static final URI URL = URI.create("http://127.0.0.1:9/v1/chat/completions");

  private static HttpRequest post(BodyPublisher body) {
    return HttpRequest.newBuilder(URL).POST(body).build();
  }

  @Test
  void onlyTheJdksInMemoryBodiesAreReplayable() {
    assertThat(Exchange.replayable(HttpRequest.newBuilder(URL).GET().build())).isTrue();
    assertThat(Exchange.replayable(post(BodyPublishers.noBody()))).isTrue();
    assertThat(Exchange.replayable(post(BodyPublishers.ofString("{}")))).isTrue();
    assertThat(Exchange.replayable(post(BodyPublishers.ofByteArray(new byte[3])))).isTrue();
    assertThat(Exchange.replayable(post(BodyPublishers.ofByteArray(new byte[3], 1, 1))))
        .isTrue();

    assertThat(Exchange.replayable(post(BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(new byte[3]))))).isFalse();
    assertThat(Exchange.replayable(post(BodyPublishers.ofByteArrays(List.of(new byte[3])))))
        .isFalse();
    assertThat(Exchange.replayable(post(BodyPublishers.fromPublisher(
        new SubmissionPublisher<ByteBuffer>(), 3)))).isFalse();
  }

  @Test
  void aFileBodyIsNotReplayable() throws Exception {
    Path file = java.nio.file.Files.createTempFile("failover4j", ".json");
    try {
      assertThat(Exchange.replayable(post(BodyPublishers.ofFile(file)))).isFalse();
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void eachAttemptIsBoundedByWhatIsLeftOfTheOverallTimeout() {
    ManualClock clock = new ManualClock();
    TokenPool pool = TokenPool.builder("t").tokens(OK).ticker(clock)
        .config(FailoverConfig.builder().conditions(Condition.status(503))
            .retry(new RetryPolicy(1, Set.of(), Duration.ofSeconds(30), true)).build())
        .build();
    HttpRequest longer = HttpRequest.newBuilder(URL).timeout(Duration.ofMinutes(5)).build();
    assertThat(new Exchange<>(pool, longer, BodyHandlers.ofString(), RESPONSE).first().request()
        .timeout()).contains(Duration.ofSeconds(30));

    HttpRequest shorter = HttpRequest.newBuilder(URL).timeout(Duration.ofSeconds(2)).build();
    assertThat(new Exchange<>(pool, shorter, BodyHandlers.ofString(), RESPONSE).first().request()
        .timeout()).contains(Duration.ofSeconds(2));

    HttpRequest none = HttpRequest.newBuilder(URL).build();
    assertThat(new Exchange<>(pool, none, BodyHandlers.ofString(), RESPONSE).first().request()
        .timeout()).contains(Duration.ofSeconds(30));
  }

  static final Duration RESPONSE = FailoverHttpClient.DEFAULT_RESPONSE_TIMEOUT;

  @Test
  void withoutAnOverallTimeoutTheRequestsOwnOrTheResponseTimeoutIsKept() {
    TokenPool pool = TokenPool.builder("t").tokens(OK)
        .config(FailoverConfig.builder().conditions(Condition.status(503))
            .retry(RetryPolicy.of(1)).build())
        .build();
    HttpRequest none = HttpRequest.newBuilder(URL).build();
    assertThat(new Exchange<>(pool, none, BodyHandlers.ofString(), RESPONSE).first().request()
        .timeout()).contains(RESPONSE);
    HttpRequest own = HttpRequest.newBuilder(URL).timeout(Duration.ofSeconds(7)).build();
    assertThat(new Exchange<>(pool, own, BodyHandlers.ofString(), RESPONSE).first().request()
        .timeout()).contains(Duration.ofSeconds(7));
  }
}
