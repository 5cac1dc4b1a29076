package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Transports;
import io.github.failover4j.spi.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JDK example of docs/embedding.md, compiled and run against the loopback provider. */
class ReadmeExampleTest {

  // --- the README example, verbatim (checked below) ---
  static String askWithFailover(URI upstream, String... keys)
      throws IOException, InterruptedException {
    FailoverConfig config = FailoverConfig.builder()
        .failureThreshold(3)                          // 3 failures in a row eject a key
        .conditions(
            Condition.status(429).withBody("No quota available"),
            Condition.status(403).withHeader("failure=true"),
            Condition.status(502, 503))
        .healthCheck(HealthCheck.of("gpt-4o-mini"))   // probe ejected keys every 10 s
        .retry(RetryPolicy.of(1))                     // and retry once on another key
        .build();

    // In an application, build the transport, pool and client once and close them at exit.
    try (Transport transport = Transports.open("jdk");
         TokenPool pool = TokenPool.builder("openai")
             .upstream(upstream)
             .tokens(keys)
             .config(config)
             .transport(transport)
             .build()) {
      FailoverHttpClient client = FailoverHttpClient.builder().pool(pool).build();

      HttpRequest request = HttpRequest.newBuilder(upstream.resolve("/v1/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(BodyPublishers.ofString("""
              {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}"""))
          .build();
      return client.send(request, BodyHandlers.ofString()).body();
    }
  }
  // --- end of the README example ---

  @Test
  void theExampleAnswersPastAnExhaustedKey() throws Exception {
    try (FakeProvider provider = new FakeProvider()
        .on(QUOTA, FakeProvider.quota()).on(OK, FakeProvider.ok())) {
      assertThat(askWithFailover(provider.uri(), QUOTA, OK)).isEqualTo(FakeProvider.OK_BODY);
      assertThat(askWithFailover(provider.uri(), OK, QUOTA)).isEqualTo(FakeProvider.OK_BODY);
      assertThat(provider.calls()).allSatisfy(c -> assertThat(c.bodyText())
          .isEqualTo("{\"model\": \"gpt-4o-mini\", \"messages\": "
              + "[{\"role\": \"user\", \"content\": \"Hi\"}]}"));
    }
  }

  @Test
  void theReadmeShowsExactlyThisExample() throws IOException {
    List<String> readme =
        Files.readAllLines(Path.of("../docs/embedding.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("static String askWithFailover(URI upstream, String... keys)") - 1;
    assertThat(readme.get(start)).isEqualTo("```java");
    int end = readme.subList(start + 1, readme.size()).indexOf("```") + start + 1;
    List<String> example = stripped(readme.subList(start + 1, end));
    List<String> source = stripped(Files.readAllLines(
        Path.of("src/test/java/io/github/failover4j/http/jdk/ReadmeExampleTest.java"),
        StandardCharsets.UTF_8));
    assertThat(example).hasSizeGreaterThan(20);
    assertThat(Collections.indexOfSubList(source, example))
        .as("docs/embedding.md's JDK example appears verbatim in this test").isNotNegative();
  }

  private static List<String> stripped(List<String> lines) {
    return lines.stream().map(String::strip).toList();
  }
}
