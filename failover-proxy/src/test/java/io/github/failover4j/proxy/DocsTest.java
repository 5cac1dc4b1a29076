package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.fixtures.Markdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every example in the README and in {@code docs/} is kept true by a test (here, in the proxy
 * module, since gateway files are the proxy's format): each YAML block
 * parses (as a gateway file when it has {@code providers}, else as a failover block), and each
 * Java block of {@code docs/} appears verbatim in a test source of some module, where it is
 * compiled and run. (The README's Java blocks are whole files, compiled as copied by the JDK
 * adapter's {@code ReadmeTest}.)
 */
class DocsTest {
  private static final Path ROOT = Path.of("..");

  private static List<Path> markdown() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static List<String> blocks(Path markdown, String language) throws IOException {
    return Markdown.blocks(markdown, language);
  }

  @Test
  void everyYamlExampleParses() throws IOException {
    int parsed = 0;
    List<String> failed = new ArrayList<>(); // every example that does not parse, not the first
    for (Path md : markdown()) {
      for (String yaml : blocks(md, "yaml")) {
        try {
          if (yaml.contains("providers:")) { // ${ENV} references resolve to a sample token
            GatewayConfig.parse(yaml, new io.github.failover4j.core.internal.SecretRefs(
                name -> "sk-docs-" + name.toLowerCase(java.util.Locale.ROOT) + "-0123456789",
                ROOT.toAbsolutePath()));
          } else {
            FailoverConfig.parse(yaml);
          }
          parsed++;
        } catch (ConfigException e) {
          failed.add(md + ": a YAML example does not parse (" + e.getMessage() + "):\n" + yaml);
        }
      }
    }
    assertThat(failed).isEmpty();
    assertThat(parsed).isGreaterThanOrEqualTo(6);
  }

  @Test
  void everyJavaExampleOfTheDocsIsInATest() throws IOException {
    List<List<String>> tests = new ArrayList<>();
    try (Stream<Path> sources = Files.walk(ROOT, 20)) {
      sources.filter(p -> p.toString().replace('\\', '/').contains("/src/test/java/")
              && p.toString().endsWith(".java"))
          .forEach(p -> tests.add(stripped(read(p))));
    }
    int checked = 0;
    for (Path md : markdown()) {
      if (md.getFileName().toString().equals("README.md")) {
        continue; // whole files, compiled by failover-http-jdk's ReadmeTest
      }
      for (String java : blocks(md, "java")) {
        List<String> example = stripped(java);
        assertThat(tests).as("%s: this example is in no test source:%n%s", md, java)
            .anySatisfy(t -> assertThat(Collections.indexOfSubList(t, example))
                .isNotNegative());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> stripped(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
