package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway file's {@code limits} and its edge cases (issue 9, items 5 and 13). */
class GatewayLimitsTest {
  static final String PROVIDER = """
      providers:
        - name: openai
          upstream: %s
          apiTokens: [%s]
          failover: {failure: {conditions: [{status_code: 429}]}}
      """;
  static final String TOKEN = "sk-limits-0000000000000000001";

  static String gateway(String upstream, String tokens, String extra) {
    return PROVIDER.formatted(upstream, tokens) + extra;
  }

  static List<String> problems(String yaml) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(() -> GatewayConfig.parse(yaml)).isInstanceOfSatisfying(
        ConfigException.class, e -> caught[0] = e);
    return caught[0].problems();
  }

  @Test
  void clientLimitsDefaultWhenAbsent() {
    assertThat(GatewayConfig.parse(gateway("http://127.0.0.1:9", TOKEN, "")).clientLimits())
        .isEqualTo(ClientLimits.DEFAULTS)
        .isEqualTo(new ClientLimits(10_000, Duration.ofSeconds(10), Duration.ofSeconds(60),
            16 * 1024));
  }

  @Test
  void clientLimitsAreRead() {
    assertThat(GatewayConfig.parse(gateway("http://127.0.0.1:9", TOKEN, """
        limits:
          maxConnections: 500
          headerTimeout: 2s
          keepAliveTimeout: 30s
          maxHeaderBytes: 32768
        """)).clientLimits()).isEqualTo(new ClientLimits(500, Duration.ofSeconds(2),
            Duration.ofSeconds(30), 32768));
  }

  @Test
  void badClientLimitsAreReportedWithTheirPaths() {
    assertThat(problems(gateway("http://127.0.0.1:9", TOKEN, """
        limits:
          maxConnections: 0
          headerTimeout: 10
          keepAliveTimeout: -1s
          maxHeaderBytes: 100
          maxConnection: 5
        """))).containsExactlyInAnyOrder(
            "limits.maxConnection: unknown key (did you mean maxConnections?)",
            "limits.maxConnections: 0 is not between 1 and 1000000",
            "limits.headerTimeout: 10 has no unit; write e.g. 10s or 10ms",
            "limits.keepAliveTimeout: \"-1s\" is negative; give a positive duration",
            "limits.maxHeaderBytes: 100 is not between 1024 and 1048576");
  }

  @Test
  void anUpstreamPortOutOfRangeIsRejected() {
    assertThat(problems(gateway("http://127.0.0.1:99999", TOKEN, ""))).containsExactly(
        "providers[0].upstream: \"http://127.0.0.1:99999\" has no valid port (1-65535)");
  }

  @Test
  void maxBodyBytesZeroIsRejected() {
    assertThat(problems(PROVIDER.formatted("http://127.0.0.1:9", TOKEN)
        .replace("failover: {", "failover: {maxBodyBytes: 0, "))).containsExactly(
            "providers[0].failover.maxBodyBytes: 0 is not between 1 and 16777216 (16 MiB)");
  }

  @Test
  void moreThanTenThousandTokensAreRefusedWithoutShowingOne() {
    String tokens = IntStream.range(0, 10_001).mapToObj(i -> "sk-many-%020d".formatted(i))
        .collect(Collectors.joining(", "));
    List<String> problems = problems(gateway("http://127.0.0.1:9", tokens, ""));
    assertThat(problems).containsExactly(
        "providers[0].apiTokens: has 10001 tokens; at most 10000 per provider are allowed");
  }

  @Test
  void tenThousandTokensAreAccepted() {
    String tokens = IntStream.range(0, 10_000).mapToObj(i -> "sk-many-%020d".formatted(i))
        .collect(Collectors.joining(", "));
    assertThat(GatewayConfig.parse(gateway("http://127.0.0.1:9", tokens, "")).providers()
        .get(0).tokens()).hasSize(10_000);
  }

  @Test
  void aGatewayFileOverOneMebibyteIsRefusedByMainWithExit2(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("huge.yaml");
    Files.writeString(file, gateway("http://127.0.0.1:9", TOKEN, "# " + "x".repeat(2 << 20)));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--config", file.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(file
        + ": is larger than 1 MiB (1048576 bytes)").doesNotContain("OutOfMemoryError", "\tat ");
  }

  @Test
  void aNonUtf8GatewayFileNamesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, gateway("http://127.0.0.1:9", TOKEN, "# caf\u00e9\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> GatewayConfig.load(file)).isInstanceOfSatisfying(
        ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .startsWith(file + ": line 6: is not UTF-8"));
  }

  @Test
  void anUnresolvableListenHostSaysWhatFailed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, "listen: no-such-host.invalid:8080\n"
        + gateway("http://127.0.0.1:9", TOKEN, ""));
    for (String[] args : List.of(new String[] {"--config", file.toString()},
        new String[] {"--config", file.toString(), "--listen", "no-such-host.invalid:8080"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(args,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("the host no-such-host.invalid cannot be resolved")
          .doesNotContain("null");
    }
  }
}
