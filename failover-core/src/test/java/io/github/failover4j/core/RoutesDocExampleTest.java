package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.spi.ResponseView;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** docs/routes.md's examples (building a route, a transport driving a plan), verbatim, so they cannot drift. */
class RoutesDocExampleTest {

  /** The example's stand-in for an HTTP library's response. */
  record Response(int status, String body, String retryAfter) implements ResponseView {
    static Response of(int status, String body) {
      return new Response(status, body, null);
    }

    static Response unavailable(Duration retryAfter) {
      return new Response(503, "{\"error\":\"no provider available\"}",
          retryAfter == null ? null : String.valueOf(Math.max(1, retryAfter.toSeconds())));
    }

    @Override
    public String header(String name) {
      return name.equalsIgnoreCase("retry-after") ? retryAfter : null;
    }

    @Override
    public byte[] body(int maxBytes) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      return java.util.Arrays.copyOf(b, Math.min(maxBytes, b.length));
    }
  }

  /** The example's HTTP client: sends one attempt, bounded by the time left. */
  interface Upstream {
    Response send(URI base, String authorization, String model, Duration timeLeft)
        throws IOException, TimeoutException;
  }

  /** How the example waits; an asynchronous transport schedules next() on its timer instead. */
  interface Waiter {
    void await(Duration delay);
  }

  // DOCS:begin
  static Response serve(FallbackRoute route, String model, Upstream upstream, Waiter waiter) {
    FallbackPlan plan = route.plan(model);
    Response last = null;                                 // the latest response, kept for the client
    while (true) {
      FallbackPlan.Step step = plan.next();
      switch (step.kind()) {
        case ANSWER_LAST:                                 // every target failed: the last failure
          return last;
        case FAILED:                                      // the last attempt got no answer
          return Response.of(504, "{\"error\":\"upstream timed out or failed\"}");
        case UNAVAILABLE:                                 // nothing selectable: 503 + Retry-After
          return Response.unavailable(step.retryAfter());
        default:                                          // SEND
      }
      Response response = null;
      FallbackPlan.Decision decision;
      try {
        response = upstream.send(step.target().pool().upstream(), step.token().authorization(),
            step.model(), plan.remaining());              // model: the target's, else the client's
        last = response;
        decision = plan.report(response);                 // judged with the target pool's rules
      } catch (TimeoutException e) {
        decision = plan.timedOut();                       // next target, not another key
      } catch (IOException e) {
        decision = plan.transportError();
      }
      if (decision == FallbackPlan.Decision.DELIVER) {
        return response != null ? response
            : Response.of(504, "{\"error\":\"upstream timed out or failed\"}");
      }
      waiter.await(plan.delay());                         // back-off or Retry-After; zero when none
    }
  }
  // DOCS:end

  @Test
  void theExampleFallsBackAcrossProvidersAndModels() throws Exception {
    RouteFixture f = new RouteFixture();
    FailoverConfig rules = FailoverConfig.parse("""
        failover:
          failure:
            conditions:
              - status_code: [400]
                body: "context_length_exceeded"
                action: fallback
              - status_code: [429, 500, 502, 503, 504]
        retryOnFailure:
          maxRetries: 2
          backoff: {initial: 100ms, max: 2s}
          honorRetryAfter: 5s
        """);
    TokenPool openai = f.pool("openai", rules, RouteFixture.A, RouteFixture.B, RouteFixture.C);
    TokenPool azure = f.pool("azure", rules, RouteFixture.Z);
    FallbackRoute route = FallbackRoute.builder(f.outages)
        .target(openai)
        .target(azure, "gpt-4o-eu")
        .target(openai, "gpt-4o-mini")
        .budget(Duration.ofSeconds(60))
        .build();
    List<String> sent = new ArrayList<>();
    Upstream upstream = (base, authorization, model, left) -> {
      sent.add(model);
      return switch (model) {
        case "gpt-4o" -> new Response(503, "{\"error\":\"overloaded\"}", "1");
        case "gpt-4o-eu" -> throw new TimeoutException("no response head in 30 s");
        default -> Response.of(200, "{\"model\":\"" + model + "\"}");
      };
    };

    Response served = serve(route, "gpt-4o", upstream, f.clock::advance);

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body()).contains("gpt-4o-mini");
    assertThat(sent).containsExactly("gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-eu", "gpt-4o-mini");
    assertThat(f.clock.nanoTime()).isEqualTo(Duration.ofSeconds(2).toNanos()); // two Retry-After waits
    assertThat(f.eventLines()).containsExactly("ENTERED openai/gpt-4o");
    assertThat(openai.snapshot()).extracting(TokenSnapshot::state)
        .containsOnly(TokenState.HEALTHY);

    // the next request skips the primary in outage and the timed-out azure goes first again
    sent.clear();
    assertThat(serve(route, "gpt-4o", upstream, f.clock::advance).status()).isEqualTo(200);
    assertThat(sent).containsExactly("gpt-4o-eu", "gpt-4o-mini");
  }

  /** The example's logger, SLF4J-style: each line is kept. */
  static final class Log {
    final List<String> lines = new CopyOnWriteArrayList<>();

    void warn(String format, Object... args) {
      String line = format;
      for (Object arg : args) {
        line = line.replaceFirst("\\{}", Matcher.quoteReplacement(String.valueOf(arg)));
      }
      lines.add(line);
    }
  }

  @Test
  void theBuilderExampleBuildsTheRouteItDescribes() throws Exception {
    RouteFixture f = new RouteFixture();
    FailoverConfig rules = FailoverConfig.parse("""
        retryOnFailure: {maxRetries: 2}
        """);
    TokenPool openai = f.pool("openai", rules, RouteFixture.A, RouteFixture.B);
    TokenPool azure = f.pool("azure", rules, RouteFixture.Z, RouteFixture.C);
    Log log = new Log();

    Outages outages = Outages.builder()
        .outageCooldown(Duration.ofSeconds(30))          // trial after this long, when a pool has no health check
        .listener(e -> log.warn("{} {}: {}", e.kind(), e.target(), e.reason()))
        .build();
    FallbackRoute route = FallbackRoute.builder(outages)
        .target(openai)                                   // the client's model, on openai's keys
        .target(azure, "gpt-4o-eu")                       // then azure, with the model rewritten
        .target(openai, "gpt-4o-mini")                    // then the same keys, a smaller model
        .budget(Duration.ofSeconds(60))                   // the whole request, every attempt and wait
        .build();

    List<String> sent = new ArrayList<>();
    Upstream upstream = (base, authorization, model, left) -> {
      sent.add(model);
      return model.equals("gpt-4o-mini") ? Response.of(200, "{\"model\":\"gpt-4o-mini\"}")
          : Response.of(503, "{\"error\":\"overloaded\"}");
    };
    Response served = serve(route, "gpt-4o", upstream, f.clock::advance);

    assertThat(served.status()).isEqualTo(200);
    assertThat(sent).containsExactly(
        "gpt-4o", "gpt-4o", "gpt-4o-eu", "gpt-4o-eu", "gpt-4o-mini");
    assertThat(outages.outageCooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(log.lines).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("ENTERED openai/gpt-4o: "))
        .anySatisfy(l -> assertThat(l).startsWith("ENTERED azure/gpt-4o-eu: "));
    outages.close();
  }

  @Test
  void theDocsConfigurationParsesToWhatItSays() throws IOException {
    String docs = Files.readString(Path.of("../docs/routes.md"));
    FailoverConfig config = FailoverConfig.parse(
        Snippets.blockContaining(docs, "yaml", "backoff: {initial: 200ms, max: 2s}"));
    assertThat(config.failure().conditions()).extracting(Condition::action)
        .containsExactly(Action.FALLBACK, Action.IGNORE, Action.COUNT);
    assertThat(config.retry()).isEqualTo(RetryPolicy.builder(2)
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .honorRetryAfter(Duration.ofSeconds(5)).build());
  }

  @Test
  void theDocsShowThisVeryCode() throws IOException {
    Path test = Path.of("src/test/java/io/github/failover4j/core/RoutesDocExampleTest.java");
    assertThat(Snippets.between(Files.readString(test), "// DOCS:begin", "// DOCS:end"))
        .isEqualTo(Snippets.blockContaining(Files.readString(Path.of("../docs/routes.md")),
            "java", "static Response serve("));
  }
}
