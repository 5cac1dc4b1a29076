package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.test.ManualClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client honours per-condition actions through the core: cooldowns and ignored errors. */
class ActionsThroughClientTest {
  private static final String LIMITED = "sk-rate-limited-0000000001";
  private static final String BAD_REQUEST = "sk-bad-request-00000000001";
  private final ManualClock clock = new ManualClock();
  private FakeProvider provider;

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider()
        .on(OK, FakeProvider.ok())
        .on(LIMITED, (ex, call) -> FakeProvider.respond(ex, 429,
            "{\"error\":{\"message\":\"Rate limit reached\"}}",
            Map.of("x-ratelimit-reset-requests", "6m0s")))
        .on(BAD_REQUEST, (ex, call) -> FakeProvider.respond(ex, 400,
            "{\"error\":{\"code\":\"context_length_exceeded\"}}", Map.of()));
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  @Test
  void aRateLimitCoolsTheTokenDownForTheResetTheProviderGaveAndIsRetried() throws Exception {
    TokenPool pool = TokenPool.builder("test").tokens(LIMITED, OK).upstream(provider.uri())
        .config(FailoverConfig.builder().failureThreshold(3)
            .conditions(Condition.status(429).withAction(Action.COOLDOWN))
            .retry(RetryPolicy.of(1)).build())
        .scheduler(clock).ticker(clock).build();
    FailoverHttpClient client = Fixtures.client(pool);
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200); // the 429 was retried on the other token
    }
    TokenSnapshot cooling = Fixtures.state(pool, LIMITED);
    assertThat(cooling.state()).isEqualTo(TokenState.EJECTED);
    assertThat(cooling.ejectedBy()).isEqualTo(Action.COOLDOWN);
    assertThat(cooling.cooldownLeft()).isEqualTo(Duration.ofMinutes(6));
    assertThat(provider.calls(LIMITED)).hasSize(1); // out at once, not after three
    clock.advance(Duration.ofMinutes(6));
    assertThat(Fixtures.state(pool, LIMITED).state()).isEqualTo(TokenState.HEALTHY);
  }

  @Test
  void aRequestCausedErrorNeverCountsAndIsNotRetried() throws Exception {
    TokenPool pool = TokenPool.builder("test").tokens(BAD_REQUEST, OK).upstream(provider.uri())
        .config(FailoverConfig.builder().failureThreshold(1)
            .conditions(Condition.status(400).withAction(Action.IGNORE),
                Condition.status(429, 500, 503))
            .retry(RetryPolicy.of(1)).build())
        .build();
    FailoverHttpClient client = Fixtures.client(pool);
    int badRequests = 0;
    for (int i = 0; i < 6; i++) {
      if (client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode() == 400) {
        badRequests++;
      }
    }
    assertThat(badRequests).isEqualTo(3); // returned as is, never retried on the other token
    assertThat(Fixtures.state(pool, BAD_REQUEST).state()).isEqualTo(TokenState.HEALTHY);
    assertThat(Fixtures.state(pool, BAD_REQUEST).failures()).isZero();
    assertThat(provider.calls(OK)).hasSize(3);
  }
}
