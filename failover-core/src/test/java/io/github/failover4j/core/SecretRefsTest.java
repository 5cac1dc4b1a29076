package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.failover4j.core.internal.ConfigParser;
import io.github.failover4j.core.internal.SecretRefs;
import io.github.failover4j.core.internal.TokenReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens given as {@code ${ENV}} or {@code file:PATH} instead of in clear. */
class SecretRefsTest {
  static final String FROM_ENV = "sk-env-0123456789abcdefghij01";
  static final String FROM_FILE = "sk-file-0123456789abcdefghi02";
  static final String IN_CLEAR = "sk-clear-0123456789abcdefgh03";

  @TempDir
  Path dir;

  List<TokenSpec> read(String yaml, Map<String, String> env) {
    SecretRefs refs = new SecretRefs(env::get, dir);
    return ConfigParser.parse(yaml, (root, secrets) ->
        new TokenReader(secrets, refs).read(root.fields().get("apiTokens")));
  }

  @Test
  void referencesResolveFromTheEnvironmentAndFromFiles() throws Exception {
    Files.writeString(dir.resolve("token.txt"), FROM_FILE + "\n"); // the newline is dropped
    Path absolute = dir.resolve("abs.txt");
    Files.writeString(absolute, "  " + FROM_FILE.replace("02", "04") + "  \n");
    List<TokenSpec> tokens = read("""
        apiTokens:
          - ${OPENAI_KEY}
          - file:token.txt
          - {token: "file:%s", weight: 3}
          - %s
        """.formatted(absolute, IN_CLEAR), Map.of("OPENAI_KEY", FROM_ENV));
    assertThat(tokens).extracting(TokenSpec::secret).containsExactly(FROM_ENV, FROM_FILE,
        FROM_FILE.replace("02", "04"), IN_CLEAR);
    assertThat(tokens.get(2).weight()).isEqualTo(3);
  }

  @Test
  void aMissingVariableOrFileIsAProblemAtItsPathAndNoMessageShowsASecret() throws Exception {
    Files.writeString(dir.resolve("empty.txt"), "\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> read("""
        apiTokens:
          - ${NOT_SET}
          - file:missing.txt
          - file:empty.txt
          - ${EMPTY}
          - ${DUP}
          - %s
        """.formatted(FROM_ENV), Map.of("EMPTY", "", "DUP", FROM_ENV)));
    assertThat(e.problems()).containsExactly(
        "apiTokens[0]: environment variable NOT_SET is not set",
        "apiTokens[1]: secret file " + dir.resolve("missing.txt") + " does not exist",
        "apiTokens[2]: secret file " + dir.resolve("empty.txt") + " is empty",
        "apiTokens[3]: environment variable EMPTY is empty",
        "apiTokens[5]: duplicate of apiTokens[4] (" + TokenSpec.maskedId(FROM_ENV) + ")");
    assertThat(e.getMessage()).doesNotContain(FROM_ENV);
  }

  @Test
  void anUnreadableSecretFileIsAProblem() throws Exception {
    Path folder = dir.resolve("a-folder");
    Files.createDirectory(folder);
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> read("apiTokens: [\"file:a-folder\"]", Map.of()));
    assertThat(e.problems()).singleElement().asString()
        .startsWith("apiTokens[0]: secret file " + folder + " cannot be read");
  }

  @Test
  void onlyWholeValuesAreReferences() {
    assertThat(SecretRefs.isReference("${A}")).isTrue();
    assertThat(SecretRefs.isReference("file:/run/secrets/key")).isTrue();
    assertThat(SecretRefs.isReference("sk-${A}")).isFalse();
    assertThat(SecretRefs.isReference("${lower-case-dash}")).isFalse();
    assertThat(SecretRefs.isReference(42)).isFalse();
  }
}
