package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations in every accepted form, and the rejected ones. */
class DurationsTest {

  private static String healthCheck(String fields) {
    return "failover:\n  failure: {conditions: [{status_code: 503}]}\n"
        + "  healthCheck: {model: m, " + fields + "}\n";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      periodSeconds: 10      | PT10S
      periodSeconds: 1.5     | PT1.5S
      periodSeconds: "2m"    | PT2M
      period: 500ms          | PT0.5S
      period: 10s            | PT10S
      period: 1.5s           | PT1.5S
      period: .5s            | PT0.5S
      period: 5m             | PT5M
      period: 1h             | PT1H
      period: 1m30s          | PT1M30S
      period: 1h2m3s4ms      | PT1H2M3.004S
      period: 250us          | PT0.00025S
      period: " 3s "         | PT3S
      period: +3s            | PT3S
      """)
  void acceptsEveryForm(String field, String expected) {
    assertThat(FailoverConfig.parse(healthCheck(field)).healthCheck().period())
        .isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      period: -5s            | failover.healthCheck.period: "-5s" is negative; give a positive duration
      period: 0s             | failover.healthCheck.period: "0s" is not positive; give a duration above zero
      period: "0"            | failover.healthCheck.period: "0" has no unit; write e.g. 0s or 0ms
      period: 10             | failover.healthCheck.period: 10 has no unit; write e.g. 10s or 10ms
      period: "10"           | failover.healthCheck.period: "10" has no unit; write e.g. 10s or 10ms
      period: ten            | failover.healthCheck.period: "ten" is not a duration; e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      period: 5d             | failover.healthCheck.period: "5d" has an unknown unit "d"; use ms, s, m or h, e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      period: 1..5s          | failover.healthCheck.period: "1..5s" is not a duration; e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      period: ""             | failover.healthCheck.period: "" is empty; give a duration, e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      period: 0.1ns          | failover.healthCheck.period: "0.1ns" is not positive; give a duration above zero
      period: 9999999h       | failover.healthCheck.period: "9999999h" is too long; the longest is 2562047h
      period: [10s]          | failover.healthCheck.period: ["10s"] is a list, expected a duration, e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s
      periodSeconds: 0       | failover.healthCheck.periodSeconds: 0 is not positive; give a duration above zero
      periodSeconds: -1      | failover.healthCheck.periodSeconds: -1 is negative; give a positive duration
      timeoutSeconds: true   | failover.healthCheck.timeoutSeconds: true is a boolean, expected a duration (a number of s, or e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s)
      period: 1s, periodSeconds: 1   | failover.healthCheck.period: given together with periodSeconds; use one
      timeout: 1s, timeoutSeconds: 1 | failover.healthCheck.timeout: given together with timeoutSeconds; use one
      """)
  void rejectsBadDurations(String field, String problem) {
    assertThat(failover(healthCheck(field))).containsExactly(problem);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      cooldown: 30s          | PT30S
      cooldown: 2m           | PT2M
      """)
  void cooldownIsADuration(String field, String expected) {
    String yaml = "failover:\n  failure: {conditions: [{status_code: 503}]}\n  " + field + "\n";
    assertThat(FailoverConfig.parse(yaml).cooldown()).isEqualTo(Duration.parse(expected));
  }
}
