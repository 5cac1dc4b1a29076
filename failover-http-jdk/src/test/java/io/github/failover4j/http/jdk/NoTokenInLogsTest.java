package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA;
import static io.github.failover4j.http.jdk.Fixtures.RESET;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.spi.TokenEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens never appear in clear in a log record or an exception message. {@code System.Logger}
 * routes to {@code java.util.logging} by default, so a handler on JUL's root logger at level
 * {@code ALL} sees every record of the run: retries, ejections, probes and restores.
 */
class NoTokenInLogsTest {
  private final Queue<String> logged = new ConcurrentLinkedQueue<>();
  private final Handler capture = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      logged.add(formatter.format(record)); // message with parameters, and any stack trace
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level rootLevel;
  private FakeProvider provider;

  @BeforeEach
  void start() throws Exception {
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    provider = new FakeProvider().on(QUOTA, FakeProvider.quota()).on(OK, FakeProvider.ok())
        .on(RESET, FakeProvider.reset());
  }

  @AfterEach
  void stop() {
    Logger root = Logger.getLogger("");
    root.removeHandler(capture);
    root.setLevel(rootLevel);
    provider.close();
  }

  @Test
  void noRawTokenInAnyLogRecordOrExceptionMessage() throws Exception {
    Duration period = Duration.ofSeconds(10);
    TestClock clock = new TestClock(period);
    BlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();
    List<String> exceptions = new java.util.ArrayList<>();
    try (JdkTransport transport = JdkTransport.create(Fixtures.http())) {
      TokenPool pool = TokenPool.builder("secrets").tokens(QUOTA, OK, RESET)
          .config(FailoverConfig.builder()
              .conditions(Condition.status(429).withBody("No quota available"))
              .healthCheck(new HealthCheck(period, Duration.ofSeconds(5), 1, "hi", "tiny",
                  HealthCheck.DEFAULT_PATH, List.of(Condition.status(200))))
              .retry(RetryPolicy.of(2))
              .build())
          .upstream(provider.uri())
          .prober(transport.prober()).scheduler(clock).ticker(clock)
          .listener(events::add)
          .build();
      FailoverHttpClient client =
          FailoverHttpClient.builder().pool(pool).httpClient(Fixtures.http()).build();
      // retries past the quota token (ejecting it) and the resetting one
      while (provider.calls(QUOTA).isEmpty() || provider.calls(RESET).isEmpty()) {
        assertThat(client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode())
            .isEqualTo(200);
      }
      TokenEvent ejected = events.poll(TestClock.WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(ejected).isNotNull();
      assertThat(ejected.toString()).doesNotContain(QUOTA);
      clock.awaitProbeScheduled();
      provider.on(QUOTA, FakeProvider.ok());
      clock.advance(Duration.ofSeconds(11)); // a probe, then the restore
      assertThat(events.poll(TestClock.WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
      assertThat(events.poll(TestClock.WAIT_SECONDS, TimeUnit.SECONDS))
          .extracting(TokenEvent::kind).isEqualTo(TokenEvent.Kind.RESTORED);

      // every token out: the typed exception
      exceptions.add(pool.select().toString());
      provider.on(OK, FakeProvider.quota()).on(RESET, FakeProvider.quota())
          .on(QUOTA, FakeProvider.quota());
      assertThat(client.send(chat(provider.uri()), BodyHandlers.ofString()).statusCode())
          .as("each token tried once, and ejected").isEqualTo(429);
      assertThatThrownBy(() -> client.send(chat(provider.uri()), BodyHandlers.ofString()))
          .isInstanceOf(NoHealthyTokenException.class)
          .satisfies(e -> exceptions.add(stackTrace(e)));
      exceptions.add(pool.toString());
      exceptions.add(pool.snapshot().toString());
    }

    assertThat(logged).as("the capture works").anyMatch(r -> r.contains("ejected"));
    assertThat(logged).as("retries are logged").anyMatch(r -> r.contains("retrying on token"));
    for (String secret : List.of(QUOTA, OK, RESET)) {
      assertThat(logged).noneMatch(r -> r.contains(secret));
      assertThat(exceptions).noneMatch(r -> r.contains(secret));
    }
  }

  private static String stackTrace(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
