package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configuration at its edges (issue 9, items 11 and 13): regexes that would stall an event loop,
 * files too large or not UTF-8, alias bombs, values that silently break things.
 */
class ConfigLimitsTest {

  // ---------------------------------------------------------------- costly regexes (item 11)

  static String bodyRule(String regex) {
    return """
        failover:
          failure:
            conditions:
              - body: '%s'
        """.formatted(regex);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a{1000}b", "((a{100}){100}){100}", "(x{30}){30}", "[a-z]{600}",
      "(?:ab|cd){300}", "a{150}", ".{0,200}quota"})
  void aBodyRegexWithCostlyRepetitionIsAConfigErrorWithItsPath(String regex) {
    assertThat(failover(bodyRule(regex))).singleElement().asString()
        .startsWith("failover.failure.conditions[0].body: ")
        .contains("is too costly", "the limit is 100");
  }

  @Test
  void aBodyRegexTooLargeEvenWithoutRepetitionIsAConfigError() {
    String regex = String.join("|", java.util.Collections.nCopies(60, "insufficient_quota"));
    assertThat(failover(bodyRule(regex))).singleElement().asString()
        .startsWith("failover.failure.conditions[0].body: ")
        .contains("is too large: it expands to 1139 steps (the limit is 1000)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"No quota available", "\"code\":\\s*\"rate_limit.*\"",
      "(rate_limit_exceeded|insufficient_quota|billing_hard_limit_reached)", "a{100}b",
      "[0-9]{3}-[0-9]{4}", "x{2,5}y*", "\\Q{1000}\\E", "a\\{1000}"})
  void ordinaryBodyRegexesAreAccepted(String regex) {
    assertThat(FailoverConfig.parse(bodyRule(regex)).failure()).isNotNull();
  }

  @Test
  void aStatusPatternThatExpandsTooMuchIsRejectedToo() {
    assertThat(failover("""
        failover:
          failure:
            conditions: [{status_code: 503}]
        retryOnFailure: {retryOnStatus: ["((5{10}){10}){10}"]}
        """)).singleElement().asString().startsWith("retryOnFailure.retryOnStatus[0]: ")
        .contains("is too costly");
  }

  @Test
  void aCostlyBodyPatternGivenInCodeIsRefusedWhenThePoolIsBuilt() {
    FailoverConfig config = FailoverConfig.builder()
        .conditions(Condition.status(429).withBody("((a{100}){100}){100}")).build();
    assertThatThrownBy(() -> TokenPool.builder("p").tokens(List.of(TokenSpec.of("sk-a")))
        .config(config).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too costly");
  }

  // ---------------------------------------------------------------- values (item 13)

  @Test
  void maxBodyBytesZeroIsRejected() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          maxBodyBytes: 0
        """)).containsExactly(
            "failover.maxBodyBytes: 0 is not between 1 and 16777216 (16 MiB)");
  }

  // ---------------------------------------------------------------- files (item 13)

  static final String VALID = """
      failover:
        failure:
          conditions:
            - status_code: [503]
      """;

  @Test
  void aFileOverOneMebibyteIsRefusedWithoutParsingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.yaml");
    Files.writeString(file, VALID + "# " + "x".repeat(1 << 20) + "\n");
    assertThat(ConfigProblems.of(() -> FailoverConfig.load(file))).containsExactly(
        file + ": is larger than 1 MiB (1048576 bytes); a configuration file cannot be this "
            + "large");
  }

  @Test
  void aFileOfExactlyTheLimitIsRead(@TempDir Path dir) throws Exception {
    // JSON padded with spaces: at the limit, yet quick to parse
    String json = "{\"failover\": {\"failure\": {\"conditions\": [{\"status_code\": 503}]}}}";
    Path file = dir.resolve("big.json");
    Files.writeString(file, json + " ".repeat((1 << 20) - json.length()));
    assertThat(Files.size(file)).isEqualTo(1 << 20);
    assertThat(FailoverConfig.load(file).failure()).isNotNull();
  }

  @Test
  void aFileThatIsNotUtf8NamesTheFileAndTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, (VALID + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(ConfigProblems.of(() -> FailoverConfig.load(file))).singleElement().asString()
        .startsWith(file + ": line 5: is not UTF-8 (byte 0xe9");
  }

  @Test
  void theYamlAliasLimitNamesTheFileAndTheLine(@TempDir Path dir) throws Exception {
    StringBuilder yaml = new StringBuilder("anchors:\n  - &a [x, y]\nrefs:\n");
    for (int i = 0; i < 60; i++) {
      yaml.append("  - *a\n");
    }
    Path file = dir.resolve("bomb.yaml");
    Files.writeString(file, yaml + VALID);
    // the 51st alias stands on line 4 + 50
    assertThat(ConfigProblems.of(() -> FailoverConfig.load(file))).containsExactly(
        file + ": line 54, column 5: YAML syntax error: more than 50 aliases to collections "
            + "(the limit against alias bombs)");
  }

  @Test
  void aSyntaxErrorInAFileNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "failover: [\n");
    assertThat(ConfigProblems.of(() -> FailoverConfig.load(file))).singleElement().asString()
        .startsWith(file + ": line ");
  }
}
