package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo, at a quarter of its pace and without a terminal (as in CI). */
class DemoTest {

  @Test
  void runsHeadlessToTheSummaryAndExits0WithoutShowingATokenInClear() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), 0.25, false);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(text).contains("failover4j demo", "token", "state", "=== demo summary ===",
        "demo finished", " ejected: ").doesNotContain("\033[");
    assertThat(text + err).doesNotContain("sk-demo-alpha-0c9e51d27b3a4f6e",
        "sk-demo-bravo-58a1f3c0e9d24b71", "sk-demo-charlie-e4b7290af13c6d58",
        "sk-demo-delta-9d3c6b1e72a0f485");
  }
}
