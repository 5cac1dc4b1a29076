package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.test.ManualClock;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The errors a newcomer meets first say everything that is wrong at once and what to call.
 * (No transport is on this module's test path, which is what a user who forgot the adapter's
 * dependency sees.)
 */
class NewcomerErrorsTest {

  @Test
  void thePoolBuilderListsEverythingMissingWithTheCallThatSuppliesIt() {
    FailoverConfig withProbes = FailoverConfig.builder()
        .healthCheck(HealthCheck.of("gpt-4o-mini")).build();
    assertThatThrownBy(() -> TokenPool.builder("openai").config(withProbes).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("""
            pool openai is missing 3 things:
              - tokens: call .tokens("sk-...", "sk-...") with the provider's API keys
              - a transport, to send health-check probes and run timers: call \
            .transport(Transports.open("jdk")) (or "netty"), or .prober(...) and .scheduler(...)
              - the provider's base URI, where probes go: call \
            .upstream(URI.create("https://api.openai.com"))""");
  }

  @Test
  void theDefaultRulesNeedATimerAndSaySo() {
    // the recommended rules cool rate-limited tokens down, which takes a timer
    assertThatThrownBy(() -> TokenPool.builder("openai").tokens("sk-test-aaaaaaaaaaaa1111")
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pool openai is missing 1 thing:")
        .hasMessageContaining("a scheduler")
        .hasMessageContaining("a condition has action cooldown")
        .hasMessageContaining(".transport(Transports.open(\"jdk\"))");
  }

  @Test
  void aProberWithoutAUpstreamOrSchedulerIsNamedPrecisely() {
    FailoverConfig withProbes = FailoverConfig.builder()
        .healthCheck(HealthCheck.of("m")).build();
    ManualClock clock = new ManualClock();
    assertThatThrownBy(() -> TokenPool.builder("p").tokens("sk-test-aaaaaaaaaaaa1111")
        .config(withProbes).scheduler(clock).ticker(clock).upstream(URI.create("http://h"))
        .build())
        .hasMessageContaining("missing 1 thing:")
        .hasMessageContaining("a prober, to send health-check probes");
  }

  @Test
  void aCompletePoolBuilds() {
    ManualClock clock = new ManualClock();
    try (TokenPool pool = TokenPool.builder("openai").tokens("sk-test-aaaaaaaaaaaa1111")
        .scheduler(clock).ticker(clock).build()) {
      assertThat(pool.config()).isEqualTo(FailoverConfig.builder().build());
    }
  }

  @Test
  void aMisspeltTransportNameGetsADidYouMean() {
    assertThatThrownBy(() -> Transports.open("jdkk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no transport named 'jdkk' (did you mean 'jdk'?); none is on the path "
            + "(add io.github.failover4j:failover-http-jdk or failover-netty)");
    assertThatThrownBy(() -> Transports.open("nety"))
        .hasMessageContaining("did you mean 'netty'?");
  }

  @Test
  void aKnownTransportWhoseModuleIsMissingNamesTheArtifact() {
    assertThatThrownBy(() -> Transports.open("JDK"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no transport named 'JDK' on the path: add the dependency "
            + "io.github.failover4j:failover-http-jdk (JPMS: requires "
            + "io.github.failover4j.http.jdk); none is on the path");
    assertThatThrownBy(() -> Transports.open("netty"))
        .hasMessageContaining("io.github.failover4j:failover-netty");
  }

  @Test
  void aNullOrBlankTransportNameIsAClearErrorNotANullPointer() {
    for (String name : new String[] {null, "", "  "}) {
      assertThatThrownBy(() -> Transports.open(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("a transport name is required, e.g. Transports.open(\"jdk\")");
    }
  }
}
