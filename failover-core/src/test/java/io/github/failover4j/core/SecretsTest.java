package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A token never appears in clear in logs, exceptions, toString, snapshots or events. */
class SecretsTest {
  private static final String TOKEN = "sk-live-SECRET-0123456789abcdef";
  private final List<String> logged = new ArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Level rootLevel = root.getLevel();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      String message = r.getMessage();
      if (r.getParameters() != null) {
        message = java.text.MessageFormat.format(message, r.getParameters());
      }
      logged.add(message + (r.getThrown() == null ? "" : " " + r.getThrown()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLogs() {
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
  }

  @AfterEach
  void release() {
    root.removeHandler(capture);
    root.setLevel(rootLevel);
  }

  @Test
  void tokenNeverAppearsInClear() {
    PoolFixture f = new PoolFixture(FailoverConfig.builder()
        .conditions(Condition.status(503)).healthCheck(HealthCheck.of("m")).build(), TOKEN);
    List<String> seen = new ArrayList<>();

    TokenHandle h = f.pool.select();
    seen.add(h.toString());
    seen.add(f.pool.toString());
    h.record(Verdict.failure("upstream said " + TOKEN + " is out of quota"));
    f.clock.advance(Duration.ofSeconds(11));
    seen.add(f.prober.requests.get(0).toString());
    // a transport whose error message echoes the token
    f.prober.fail(new IOException("refused for key " + TOKEN));
    seen.add(catchThrowable(f.pool::select).getMessage());
    seen.add(f.pool.snapshot().toString());
    f.events.forEach(e -> seen.add(e.toString()));
    seen.add(TokenSpec.of(TOKEN).toString());
    seen.add(catchThrowable(() -> f.pool.reload(List.of(TokenSpec.of(TOKEN),
        TokenSpec.of(TOKEN)), f.pool.config())).getMessage());
    seen.add(catchThrowable(() -> TokenPool.builder("p").tokens(TOKEN, TOKEN)
        .config(f.pool.config()).scheduler(f.clock).prober(f.prober)
        .upstream(URI.create("http://h")).build()).getMessage());

    assertThat(logged).isNotEmpty();
    assertThat(f.events).hasSize(2);
    assertThat(f.events.get(0).reason()).contains("sk-…cdef");
    assertThat(f.events.get(1).reason()).contains("refused for key sk-…cdef");
    assertThat(seen).allSatisfy(s -> assertThat(s).doesNotContain(TOKEN));
    assertThat(logged).allSatisfy(s -> assertThat(s).doesNotContain(TOKEN));
  }

  @Test
  void maskShowsLittleOfShortTokens() {
    assertThat(Secrets.mask("sk-abcdefghijklmnop")).isEqualTo("sk-…mnop");
    assertThat(Secrets.mask("abcdefghij")).isEqualTo("…ij");
    assertThat(Secrets.mask("abc")).isEqualTo("…");
    assertThat(Secrets.fingerprint("abc")).hasSize(12).isEqualTo(Secrets.fingerprint("abc"))
        .isNotEqualTo(Secrets.fingerprint("abd"));
  }
}
