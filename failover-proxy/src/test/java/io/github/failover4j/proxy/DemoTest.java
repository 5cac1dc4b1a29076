package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo, at a quarter of its pace and without a terminal (as in CI): run once, read twice. */
class DemoTest {
  static int code;
  static String text;
  static String err;

  @BeforeAll
  static void runTheDemo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    code = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(errors, true, StandardCharsets.UTF_8), 0.25, false);
    text = out.toString(StandardCharsets.UTF_8);
    err = errors.toString(StandardCharsets.UTF_8);
    try { // to read when an assertion fails
      Files.writeString(Files.createDirectories(Path.of("target")).resolve("demo-test.txt"),
          text + err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void runsHeadlessToTheSummaryAndExits0WithoutShowingATokenInClear() {
    assertThat(code).isZero();
    assertThat(text).contains("failover4j demo", "token", "state", "=== demo summary ===",
        "demo finished", " ejected: ").doesNotContain("\033[");
    assertThat(text + err).doesNotContain("sk-demo-alpha-0c9e51d27b3a4f6e",
        "sk-demo-bravo-58a1f3c0e9d24b71", "sk-demo-charlie-e4b7290af13c6d58",
        "sk-demo-delta-9d3c6b1e72a0f485", Demo.BACKUP_TOKEN);
  }

  @Test
  void showsTheModelsOutageTheFallbackServingAndTheReturnToThePrimary() {
    String primary = "simulated/" + Demo.MODEL;
    String fallback = "backup/" + Demo.BACKUP_MODEL;
    assertThat(text).contains("route " + Demo.MODEL + ": " + primary + " -> " + fallback);
    // the outage: entered when the model failed for every key tried, ended by a probe
    int entered = text.indexOf("target=" + primary + " outage entered: ");
    int ended = text.indexOf("target=" + primary + " outage ended: probe of " + primary
        + " passed");
    assertThat(entered).as("outage entered").isPositive();
    assertThat(ended).as("outage ended by a probe, after it was entered").isGreaterThan(entered);
    // the fallback served once the primary was out, and the primary served again after it
    assertThat(servedLines(text.substring(entered)))
        .anySatisfy(l -> assertThat(l).contains(fallback));
    assertThat(servedLines(text.substring(ended)))
        .anySatisfy(l -> assertThat(l).contains(primary));
    assertThat(text).containsPattern("served by target: +\\{" + fallback + ": [1-9]\\d*, "
        + primary + ": [1-9]\\d*}");
    assertThat(text).containsPattern("target outages: [1-9]\\d* entered, [1-9]\\d* ended");
  }

  /** The view's lines saying which target served the answers since the view before. */
  private static List<String> servedLines(String text) {
    return text.lines().filter(l -> l.contains("served since the last view:")).toList();
  }
}
