package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.internal.SecretRefs;
import io.github.failover4j.fixtures.Markdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every example in the README and in {@code docs/} is kept true by a test (here, in the proxy
 * module, since gateway files are the proxy's format): each YAML block
 * parses (as a gateway file when it has {@code providers}, else as a failover block), and each
 * Java block of {@code docs/} appears verbatim in a test source of some module, where it is
 * compiled and run; every relative link leads to a file, and the README links to every page of
 * {@code docs/}. (The README's Java blocks are whole files, compiled as copied by the JDK
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

  /**
   * The examples name secrets an operator provides ({@code ${VAR}}, {@code file:/run/secrets/…}),
   * not this machine's: variables resolve to a stand-in key, and each absolute {@code file:}
   * path is moved under a temporary folder where a stand-in file is written.
   */
  private String withStandInSecretFiles(String yaml) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("file:(/[^\\s\"',\\]]+)")
        .matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Path standIn = secrets.resolve(m.group(1).substring(1));
      Files.createDirectories(standIn.getParent());
      Files.writeString(standIn, "sk-example-file-" + standIn.getFileName() + "\n");
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("file:" + standIn));
    }
    return m.appendTail(out).toString();
  }

  @org.junit.jupiter.api.io.TempDir
  Path secrets;

  @Test
  void everyYamlExampleParses() throws IOException {
    int parsed = 0;
    List<String> failed = new ArrayList<>(); // every example that does not parse, not the first
    for (Path md : markdown()) {
      for (String yaml : blocks(md, "yaml")) {
        try {
          if (yaml.startsWith("groups:")) {
            assertPrometheusRules(md, yaml);
          } else if (yaml.startsWith("# Kubernetes") || yaml.startsWith("# Prometheus")) {
            assertThat(new org.yaml.snakeyaml.Yaml().<Object>load(yaml)).as("%s: %s", md, yaml)
                .isNotNull(); // another tool's file: valid YAML is all we can check
          } else if (yaml.contains("providers:")) {
            GatewayConfig.parse(withStandInSecretFiles(yaml),
                new SecretRefs(name -> "sk-example-" + name, null));
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

  /**
   * A YAML block starting with {@code groups:} is a Prometheus rules file (docs/metrics.md's
   * alerts): it must be YAML, and each rule of each named group an alert or a recording rule
   * with an expression.
   */
  private static void assertPrometheusRules(Path md, String yaml) {
    Object file = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    assertThat(file).as("%s: a Prometheus rules file is a map", md).isInstanceOf(Map.class);
    List<?> groups = (List<?>) ((Map<?, ?>) file).get("groups");
    assertThat(groups).as("%s: its groups", md).isNotEmpty();
    for (Object g : groups) {
      Map<?, ?> group = (Map<?, ?>) g;
      assertThat(group.get("name")).as("%s: a group's name", md).isInstanceOf(String.class);
      List<?> rules = (List<?>) group.get("rules");
      assertThat(rules).as("%s: a group's rules", md).isNotEmpty();
      for (Object r : rules) {
        Map<?, ?> rule = (Map<?, ?>) r;
        assertThat(rule.containsKey("alert") || rule.containsKey("record"))
            .as("%s: a rule is an alert or a recording rule: %s", md, rule).isTrue();
        assertThat(rule.get("expr")).as("%s: a rule's expr: %s", md, rule)
            .isInstanceOf(String.class);
      }
    }
  }

  @Test
  void everyRelativeLinkLeadsToAFile() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path md : markdown()) {
      Matcher m = link.matcher(read(md));
      while (m.find()) {
        String target = m.group(1).replaceFirst("#.*", "");
        if (target.isEmpty() || target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // an anchor in the page, or a URL
        }
        checked++;
        if (!Files.exists(md.getParent().resolve(target).normalize())) {
          broken.add(md + ": " + m.group(1));
        }
      }
    }
    assertThat(broken).as("relative links to no file").isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  @Test
  void theReadmeLinksToEveryDocsPage() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    for (Path md : markdown()) {
      if (md.getParent().getFileName().toString().equals("docs")) {
        assertThat(readme).as("README.md links to %s", md)
            .contains("](docs/" + md.getFileName() + ")");
      }
    }
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
