package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.fixtures.Markdown;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root README's Java code, taken from the Markdown as a newcomer would copy it: every
 * {@code java} block is a whole source file that compiles without a warning against this
 * module and its dependencies, and the example runs against a provider on loopback.
 */
class ReadmeTest {
  private static final String QUOTA = "sk-readme-quota-aaaaaaaaaaaa";
  private static final String OK = "sk-readme-ok-bbbbbbbbbbbbbbbb";

  @TempDir
  Path out;

  @Test
  void everyJavaBlockOfTheReadmeCompilesAsCopiedAndTheExampleRuns() throws Exception {
    List<String> blocks = Markdown.blocks(Path.of("../README.md"), "java");
    assertThat(blocks).isNotEmpty();
    Path src = Files.createDirectories(out.resolve("src"));
    List<Path> files = new ArrayList<>();
    for (String block : blocks) {
      Matcher name = Pattern.compile("public (?:final )?class (\\w+)").matcher(block);
      assertThat(name.find()).as("a README block is a whole public class:%n%s", block).isTrue();
      files.add(Files.writeString(src.resolve(name.group(1) + ".java"), block));
    }
    Path classes = Files.createDirectories(out.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null,
        StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(log, fm, diagnostics,
          List.of("-Xlint:all", "--release", "17", "-d", classes.toString(),
              "-cp", System.getProperty("java.class.path")),
          null, fm.getJavaFileObjectsFromPaths(files)).call();
      assertThat(diagnostics.getDiagnostics()).as("javac: %s", log).isEmpty();
      assertThat(ok).isTrue();
    }

    try (FakeProvider provider = new FakeProvider()
            .on(QUOTA, FakeProvider.quota()).on(OK, FakeProvider.ok());
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
            getClass().getClassLoader())) {
      Method ask = loader.loadClass("Chat").getMethod("ask", URI.class, String[].class);
      // one key is out of quota: whichever is tried first, the answer is the good one's
      assertThat(ask.invoke(null, provider.uri(), new String[] {QUOTA, OK}))
          .isEqualTo(FakeProvider.OK_BODY);
      assertThat(ask.invoke(null, provider.uri(), new String[] {OK, QUOTA}))
          .isEqualTo(FakeProvider.OK_BODY);
      assertThat(provider.calls(QUOTA)).isNotEmpty();
    }
  }
}
