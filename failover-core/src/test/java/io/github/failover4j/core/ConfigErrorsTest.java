package io.github.failover4j.core;

import static io.github.failover4j.core.ConfigProblems.failover;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Every problem is reported with its path and the offending value, all in one exception. */
class ConfigErrorsTest {

  /** A failover block whose one condition is {@code clause}. */
  private static String withCondition(String clause) {
    return "failover:\n  failure:\n    conditions:\n      - " + clause + "\n";
  }

  @Test
  void statusOutOfRange() {
    assertThat(failover("""
        failover:
          failure:
            conditions:
              - status_code: [403]
              - status_code: [999, 99]
        """)).containsExactly(
            "failover.failure.conditions[1].status_code[0]: 999 is not an HTTP status (100-599)",
            "failover.failure.conditions[1].status_code[1]: 99 is not an HTTP status (100-599)");
  }

  @Test
  void statusOfTheWrongType() {
    assertThat(failover(withCondition("status_code: [\"503\", 1.5]"))).containsExactly(
        "failover.failure.conditions[0].status_code[0]: \"503\" is a string, expected an integer",
        "failover.failure.conditions[0].status_code[1]: 1.5 is a decimal number, "
            + "expected an integer");
    assertThat(failover(withCondition("status_code: []"))).containsExactly(
        "failover.failure.conditions[0].status_code: [] is empty; "
            + "give at least one status or remove the key");
  }

  @Test
  void thresholdOfTheWrongTypeOrRange() {
    String template = "failover: {failure: {failureThreshold: %s, conditions: [{status_code: 503}]}}";

    assertThat(failover(template.formatted("\"abc\""))).containsExactly(
        "failover.failure.failureThreshold: \"abc\" is a string, expected an integer");
    assertThat(failover(template.formatted("0"))).containsExactly(
        "failover.failure.failureThreshold: 0 is not between 1 and 1000000");
    assertThat(failover(template.formatted("1000001"))).containsExactly(
        "failover.failure.failureThreshold: 1000001 is not between 1 and 1000000");
    assertThat(failover(template.formatted("99999999999999999999"))).containsExactly(
        "failover.failure.failureThreshold: 99999999999999999999 is not between 1 and 1000000");
  }

  @Test
  void aListWhereAMapBelongs() {
    assertThat(failover("failover:\n  failure: [1, 2]\n")).containsExactly(
        "failover.failure: [1, 2] is a list, expected a map");
    assertThat(failover("- failover\n")).containsExactly(
        "(root): [\"failover\"] is a list, expected a map");
  }

  @Test
  void missingAndEmptyConditions() {
    assertThat(failover("failover: {failure: {failureThreshold: 2}}")).containsExactly(
        "failover.failure.conditions: missing (required)");
    assertThat(failover("failover: {failure: {conditions: []}}")).containsExactly(
        "failover.failure.conditions: [] is empty; give at least one condition");
    assertThat(failover("retryOnFailure: {}")).containsExactly(
        "failover: missing (required)");
    assertThat(failover("failover: {healthCheck: {model: m}}")).containsExactly(
        "failover.failure: missing (required)");
  }

  @Test
  void aConditionWithNoClause() {
    assertThat(failover(withCondition("{}"))).containsExactly(
        "failover.failure.conditions[0]: {} has no clause; give status_code, headers or body");
    assertThat(failover("failover: {failure: {conditions: [null]}}")).containsExactly(
        "failover.failure.conditions[0]: empty condition; give status_code, headers or body");
    assertThat(failover(withCondition("status: 503"))).containsExactly(
        "failover.failure.conditions[0].status: unknown key (did you mean status_code?)");
  }

  @Test
  void badHeaders() {
    assertThat(failover(withCondition("headers: [\"=true\", \"fail ure=true\", \"ok\", 7]")))
        .containsExactly(
            "failover.failure.conditions[0].headers[0]: \"=true\" has an empty header name; "
                + "write \"name=value\" or \"name\"",
            "failover.failure.conditions[0].headers[1]: \"fail ure=true\" has the character "
                + "\" \" in its header name, which is not allowed; write \"name=value\" or \"name\"",
            "failover.failure.conditions[0].headers[3]: 7 is an integer, expected a string "
                + "(quote it)");
    assertThat(failover(withCondition("headers: \"x=a\\nb\""))).containsExactly(
        "failover.failure.conditions[0].headers: \"x=a\\nb\" has a control character in its "
            + "header value");
  }

  @Test
  void invalidRegexNamesThePatternAndTheRe2Error() {
    assertThat(failover(withCondition("body: \"quota (exceeded\""))).singleElement()
        .asString()
        .startsWith("failover.failure.conditions[0].body: \"quota (exceeded\" is not a valid "
            + "RE2 regular expression: ")
        .contains("missing closing )")
        .contains("quota (exceeded");
    assertThat(failover(withCondition("body: \"(?=lookahead)\""))).singleElement().asString()
        .contains("(?=lookahead)").contains("invalid or unsupported Perl syntax");
    assertThat(failover(withCondition("body: \"\""))).containsExactly(
        "failover.failure.conditions[0].body: \"\" is empty; remove body to match any body");
  }

  @Test
  void unknownKeysSuggestTheNearestOne() {
    assertThat(failover("""
        failover:
          failure:
            failureTreshold: 3
            conditions: [{status_code: 503}]
        """)).containsExactly(
            "failover.failure.failureTreshold: unknown key (did you mean failureThreshold?)");
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          zzz: 1
        """)).containsExactly("failover.zzz: unknown key "
            + "(valid keys: failure, healthCheck, maxBodyBytes, cooldown)");
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          selection: RANDOM
        """)).containsExactly("failover.selection: belongs beside failover, not inside it");
    assertThat(failover("""
        failovr:
          failure: {conditions: [{status_code: 503}]}
        """)).containsExactly("failovr: unknown key (did you mean failover?)",
            "failover: missing (required)");
  }

  @Test
  void unknownEnumValuesListTheValidOnes() {
    String base = "failover: {failure: {conditions: [{status_code: 503}]}}\n";

    assertThat(failover(base + "whenAllEjected: sometimes")).containsExactly(
        "whenAllEjected: \"sometimes\" is not one of FAIL, USE_ALL, LEAST_RECENTLY_EJECTED");
    assertThat(failover(base + "selection: weigthed")).containsExactly(
        "selection: \"weigthed\" is not one of ROUND_ROBIN, WEIGHTED, RANDOM "
            + "(did you mean WEIGHTED?)");
  }

  @Test
  void healthCheckProblems() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          healthCheck:
            path: v1/chat/completions
            successThreshold: 0
            content: "  "
            conditions: []
        """)).containsExactly(
            "failover.healthCheck.successThreshold: 0 is not between 1 and 1000000",
            "failover.healthCheck.content: \"  \" is blank",
            "failover.healthCheck.model: missing (required when healthCheck is set)",
            "failover.healthCheck.path: \"v1/chat/completions\" does not start with /",
            "failover.healthCheck.conditions: [] is empty; give at least one condition");
  }

  @Test
  void otherOptionProblems() {
    assertThat(failover("""
        failover:
          failure: {conditions: [{status_code: 503}]}
          maxBodyBytes: 16777217
        retryOnFailure: {enabled: "yes", maxRetries: 0, retryOnStatus: ["6.."], onTransportError: 1}
        """)).containsExactly(
            "failover.maxBodyBytes: 16777217 is not between 1 and 16777216 (16 MiB)",
            "retryOnFailure.enabled: \"yes\" is a string, expected true or false",
            "retryOnFailure.maxRetries: 0 is not between 1 and 64 "
                + "(set enabled: false for no retries)",
            "retryOnFailure.retryOnStatus[0]: \"6..\" matches no HTTP status (100-599); the regex "
                + "must match the whole status, e.g. \"5..\" or \"429\"",
            "retryOnFailure.onTransportError: 1 is an integer, expected true or false");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> FailoverConfig.parse("""
            failover:
              failure:
                failureTreshold: 3
                conditions:
                  - status_code: [403]
                    headers: ["=x"]
                  - status_code: [999]
                  - body: "(unclosed"
              healthCheck:
                period: -5s
                model: m
            selection: FASTEST
            """));

    assertThat(e.problems()).hasSize(6);
    assertThat(e.problems()).containsExactly(
        "failover.failure.failureTreshold: unknown key (did you mean failureThreshold?)",
        "failover.failure.conditions[0].headers[0]: \"=x\" has an empty header name; "
            + "write \"name=value\" or \"name\"",
        "failover.failure.conditions[1].status_code[0]: 999 is not an HTTP status (100-599)",
        e.problems().get(3),
        "failover.healthCheck.period: \"-5s\" is negative; give a positive duration",
        "selection: \"FASTEST\" is not one of ROUND_ROBIN, WEIGHTED, RANDOM");
    assertThat(e.problems().get(3)).startsWith("failover.failure.conditions[2].body: "
        + "\"(unclosed\" is not a valid RE2 regular expression");
    assertThat(e.getMessage()).startsWith("invalid configuration, 6 problems:\n  failover.");
  }

  @Test
  void yamlSyntaxErrorsNameLineAndColumn() {
    assertThat(failover("failover:\n  failure: {conditions: [\n")).singleElement().asString()
        .startsWith("line 3, column 1: YAML syntax error: ");
    assertThat(failover("failover:\n  failure: 1\n  failure: 2\n")).singleElement().asString()
        .startsWith("line 3, column 3: YAML syntax error: found duplicate key failure");
  }

  @Test
  void jsonSyntaxErrorsNameLineAndColumn() {
    assertThat(failover("{\"failover\":\n  {\"failure\": nope}}")).singleElement().asString()
        .startsWith("line 2, column ").contains("JSON syntax error: Unrecognized token 'nope'");
  }

  @Test
  void aSelfReferencingAliasIsReportedNotFollowed() {
    assertThat(failover("failover: &x [*x]\n")).containsExactly(
        "failover: [[…]] is a list, expected a map");
  }

  @Test
  void yamlIsLoadedSafely() {
    assertThatThrownBy(() -> FailoverConfig.parse(
        "failover: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("YAML syntax error")
        .hasMessageContaining("line 1");
  }
}
