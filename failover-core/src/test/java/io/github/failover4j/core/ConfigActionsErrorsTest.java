package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigActionsTest.withCondition;
import static io.github.failover4j.core.ConfigActionsTest.withFailure;
import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 6's keys, misused: each problem names its path and the offending value. */
class ConfigActionsErrorsTest {
  private static final String C0 = "failover.failure.conditions[0].";

  @Test
  void unknownActionListsTheValidOnes() {
    assertThat(failover(withCondition("action: drop"))).containsExactly(
        C0 + "action: \"drop\" is not one of count, eject, cooldown, ignore, fallback");
    assertThat(failover(withCondition("action: ejct"))).containsExactly(
        C0 + "action: \"ejct\" is not one of count, eject, cooldown, ignore, fallback "
            + "(did you mean eject?)");
    assertThat(failover(withCondition("action: 1"))).containsExactly(
        C0 + "action: 1 is an integer, expected a string (quote it)");
  }

  @Test
  void cooldownBelongsToActionCooldownOnly() {
    assertThat(failover(withCondition("action: count, cooldown: 45s"))).containsExactly(
        C0 + "cooldown: only action cooldown takes a cooldown, but the action is \"count\"; "
            + "set action: cooldown or remove cooldown");
    assertThat(failover(withCondition("cooldown: {default: 45s}"))).containsExactly(
        C0 + "cooldown: only action cooldown takes a cooldown, but the action is count "
            + "(the default); set action: cooldown or remove cooldown");
    assertThat(failover(withCondition("action: Eject, cooldown: 45s"))).containsExactly(
        C0 + "cooldown: only action cooldown takes a cooldown, but the action is \"Eject\"; "
            + "set action: cooldown or remove cooldown");
  }

  @Test
  void cooldownMaxBelowDefault() {
    assertThat(failover(withCondition("action: cooldown, cooldown: {default: 1m, max: 30s}")))
        .containsExactly(C0 + "cooldown.max: \"30s\" is shorter than default 1m; max must be "
            + "at least default");
    assertThat(failover(withCondition("action: cooldown, cooldown: {max: 10s}")))
        .containsExactly(C0 + "cooldown.max: \"10s\" is shorter than default 30s (when not "
            + "given); max must be at least default");
    assertThat(failover(withCondition("action: cooldown, cooldown: {default: 2h}")))
        .containsExactly(C0 + "cooldown.default: \"2h\" is longer than max, 1h when not given; "
            + "set max to at least 2h");
    assertThat(failover(withCondition("action: cooldown, cooldown: 1h30m"))).containsExactly(
        C0 + "cooldown: \"1h30m\" is longer than max, 1h when not given; "
            + "write cooldown: {default: 1h30m, max: 1h30m}");
  }

  @Test
  void cooldownValues() {
    assertThat(failover(withCondition("action: cooldown, cooldown: 45"))).containsExactly(
        C0 + "cooldown: 45 has no unit; write e.g. 45s or 45ms");
    assertThat(failover(withCondition("action: cooldown, cooldown: true"))).containsExactly(
        C0 + "cooldown: true is a boolean, expected a duration such as 45s, or a map of "
            + "fromHeaders, default and max");
    assertThat(failover(withCondition("action: cooldown, cooldown: {default: -5s, max: 0s}")))
        .containsExactly(
            C0 + "cooldown.default: \"-5s\" is negative; give a positive duration",
            C0 + "cooldown.max: \"0s\" is not positive; give a duration above zero");
  }

  @Test
  void cooldownHeaderNames() {
    assertThat(failover(withCondition("action: cooldown, cooldown: {fromHeaders: []}")))
        .containsExactly(C0 + "cooldown.fromHeaders: [] is empty; give at least one header "
            + "name, or remove fromHeaders to read the standard ones");
    assertThat(failover(withCondition(
        "action: cooldown, cooldown: {fromHeaders: [\"retry after\", \"\", 7]}")))
        .containsExactly(
            C0 + "cooldown.fromHeaders[0]: \"retry after\" is not a header name "
                + "(letters, digits and !#$%&'*+-.^_`|~ only)",
            C0 + "cooldown.fromHeaders[1]: \"\" is not a header name "
                + "(letters, digits and !#$%&'*+-.^_`|~ only)",
            C0 + "cooldown.fromHeaders[2]: 7 is an integer, expected a string (quote it)");
  }

  @Test
  void cooldownUnknownKeys() {
    assertThat(failover(withCondition(
        "action: cooldown, cooldown: {headers: [retry-after], defualt: 5s}")))
        .containsExactly(
            C0 + "cooldown.headers: unknown key (did you mean fromHeaders?)",
            C0 + "cooldown.defualt: unknown key (did you mean default?)");
  }

  @Test
  void maxEjectionPercentOutOfRange() {
    for (String bad : new String[] {"0", "101", "-5"}) {
      assertThat(failover(withFailure("maxEjectionPercent: " + bad))).containsExactly(
          "failover.failure.maxEjectionPercent: " + bad
              + " is not between 1 and 100 (percent of the pool)");
    }
    assertThat(failover(withFailure("maxEjectionPercent: 50%"))).containsExactly(
        "failover.failure.maxEjectionPercent: \"50%\" is a string; write the number without %,"
            + " e.g. 50");
    assertThat(failover(withFailure("maxEjectionPercent: 0.5"))).containsExactly(
        "failover.failure.maxEjectionPercent: 0.5 is a decimal number, expected an integer");
  }

  @Test
  void ejectionTimes() {
    assertThat(failover(withFailure("maxEjectionTime: 10m"))).containsExactly(
        "failover.failure.maxEjectionTime: \"10m\" is given without baseEjectionTime, where "
            + "the back-off starts; set baseEjectionTime too, e.g. 30s");
    assertThat(failover(withFailure("baseEjectionTime: 5m, maxEjectionTime: 1m")))
        .containsExactly("failover.failure.maxEjectionTime: \"1m\" is shorter than "
            + "baseEjectionTime 5m; maxEjectionTime must be at least baseEjectionTime");
    assertThat(failover(withFailure("baseEjectionTime: 30"))).containsExactly(
        "failover.failure.baseEjectionTime: 30 has no unit; write e.g. 30s or 30ms");
    assertThat(failover(withFailure("baseEjectionTime: 1h, maxEjectionTime: soon")))
        .containsExactly("failover.failure.maxEjectionTime: \"soon\" is not a duration; "
            + "e.g. 500ms, 10s, 1.5s, 5m, 1h or 1m30s");
  }

  @Test
  void ejectionKeysInTheWrongPlace() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          maxEjectionPercent: 50
        """)).containsExactly(
            "failover.maxEjectionPercent: belongs in failure, beside failureThreshold");
    assertThat(failover(withFailure("maxEjectonPercent: 50"))).containsExactly(
        "failover.failure.maxEjectonPercent: unknown key (did you mean maxEjectionPercent?)");
  }

  @Test
  void healthCheckConditionsTakeNoAction() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          healthCheck:
            model: m
            conditions:
              - status_code: 200
                action: eject
              - status_code: 204
                cooldown: 30s
        """)).containsExactly(
            "failover.healthCheck.conditions[0].action: only failure conditions take an "
                + "action; a probe passes or fails",
            "failover.healthCheck.conditions[1].cooldown: only failure conditions take a "
                + "cooldown; a probe passes or fails");
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
        healthCheck: {model: m, conditions: [{status_code: 200, acton: eject}]}
        """)).containsExactly("healthCheck.conditions[0].acton: unknown key "
            + "(valid keys: status_code, headers, body)");
  }

  @Test
  void anActionIsNotAClause() {
    assertThat(failover(withCondition("action: ignore").replace("status_code: 429, ", "")))
        .containsExactly("failover.failure.conditions[0]: {…} has no clause; "
            + "give status_code, headers or body");
  }

  @Test
  void everyProblemAtOnce() {
    assertThat(failover("""
        failover:
          failure:
            maxEjectionPercent: 101
            maxEjectionTime: 1m
            conditions:
              - {status_code: 401, action: drop}
              - {status_code: 429, action: ignore, cooldown: 1s}
              - {status_code: 429, action: cooldown, cooldown: {default: 1m, max: 1s}}
        """)).containsExactly(
            "failover.failure.conditions[0].action: \"drop\" is not one of count, eject, "
                + "cooldown, ignore, fallback",
            "failover.failure.conditions[1].cooldown: only action cooldown takes a cooldown, "
                + "but the action is \"ignore\"; set action: cooldown or remove cooldown",
            "failover.failure.conditions[2].cooldown.max: \"1s\" is shorter than default 1m; "
                + "max must be at least default",
            "failover.failure.maxEjectionPercent: 101 is not between 1 and 100 "
                + "(percent of the pool)",
            "failover.failure.maxEjectionTime: \"1m\" is given without baseEjectionTime, where "
                + "the back-off starts; set baseEjectionTime too, e.g. 30s");
  }
}
