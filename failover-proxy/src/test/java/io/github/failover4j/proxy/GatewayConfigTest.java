package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.Auth;
import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.CooldownRule;
import io.github.failover4j.core.EjectionPolicy;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.HealthCheck;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.SelectionStrategy;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.WhenAllEjected;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's configuration: listen address, providers, tokens. */
class GatewayConfigTest {
  static final String SECRET = "sk-live-SECRET123456789abcd";
  static final String MASKED = TokenSpec.of(SECRET).id();
  static final String OTHER = "sk-live-OTHER0000000000wxyz";

  static final String FULL = """
      listen: 127.0.0.1:8080
      providers:
        - name: openai
          upstream: https://api.openai.com
          pathPrefix: /openai
          auth: {header: Authorization, scheme: Bearer}
          apiTokens: [%1$s, {token: %2$s, weight: 3}]
          failover:
            failure:
              failureThreshold: 3
              conditions:
                - status_code: [429, 503]
          healthCheck: {model: gpt-4o-mini, period: 30s}
          retryOnFailure: {maxRetries: 2}
          whenAllEjected: USE_ALL
          selection: WEIGHTED
        - name: anthropic
          upstream: https://api.anthropic.com/
          pathPrefix: /anthropic
          auth: {header: x-api-key}
          apiTokens: [%2$s]
          failover: {enabled: true, failureThreshold: 2, failoverOnStatus: ["5.."]}
      """.formatted(SECRET, OTHER);

  /** A provider in {@code providers[i]} with the given extra lines, otherwise valid. */
  private static String provider(String name, String prefix, String extra) {
    return """
          - name: %s
            upstream: https://api.example.com
            pathPrefix: %s
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: 503}]}}
        """.formatted(name, prefix, SECRET) + extra;
  }

  @Test
  void parsesAFullExample() {
    GatewayConfig config = GatewayConfig.parse(FULL);

    assertThat(config.listen()).isEqualTo("127.0.0.1:8080");
    assertThat(config.providers()).hasSize(2);
    ProviderConfig openai = config.providers().get(0);
    assertThat(openai.name()).isEqualTo("openai");
    assertThat(openai.upstream()).isEqualTo(URI.create("https://api.openai.com"));
    assertThat(openai.pathPrefix()).isEqualTo("/openai");
    assertThat(openai.auth()).isEqualTo(Auth.BEARER);
    assertThat(openai.tokens()).containsExactly(TokenSpec.of(SECRET), new TokenSpec(OTHER, 3));
    assertThat(openai.failover()).isEqualTo(FailoverConfig.builder()
        .failureThreshold(3).conditions(Condition.status(429, 503))
        .healthCheck(new HealthCheck(Duration.ofSeconds(30), Duration.ofSeconds(5), 1,
            HealthCheck.DEFAULT_CONTENT, "gpt-4o-mini", HealthCheck.DEFAULT_PATH,
            List.of(Condition.status(200))))
        .retry(RetryPolicy.of(2)).whenAllEjected(WhenAllEjected.USE_ALL)
        .selection(SelectionStrategy.WEIGHTED).build());

    ProviderConfig anthropic = config.providers().get(1);
    assertThat(anthropic.auth()).isEqualTo(Auth.header("x-api-key"));
    assertThat(anthropic.tokens()).containsExactly(TokenSpec.of(OTHER));
    assertThat(anthropic.failover().failure().failureThreshold()).isEqualTo(2);
    assertThat(anthropic.failover().failure().conditions().get(0).statusCodes())
        .hasSize(100).contains(500, 599);
  }

  @Test
  void appliesDefaults() {
    GatewayConfig config = GatewayConfig.parse("providers:\n" + provider("a", "/", "")
        .replace("    pathPrefix: /\n", ""));

    assertThat(config.listen()).isNull();
    ProviderConfig p = config.providers().get(0);
    assertThat(p.pathPrefix()).isEqualTo("/");
    assertThat(p.auth()).isEqualTo(Auth.BEARER);
    assertThat(p.tokens()).containsExactly(TokenSpec.of(SECRET));
    assertThat(p.failover().retry()).isNull();
  }

  @Test
  void jsonEqualsYaml() {
    String json = """
        {"listen": "[::1]:9000", "providers": [{"name": "a", "upstream": "http://localhost:11434",
          "apiTokens": ["%s", {"token": "%s", "weight": 2}],
          "failover": {"failure": {"conditions": [{"status_code": 503}]}}}]}
        """.formatted(SECRET, OTHER);
    String yaml = """
        listen: "[::1]:9000"
        providers:
          - name: a
            upstream: http://localhost:11434
            apiTokens: [%s, {token: %s, weight: 2}]
            failover: {failure: {conditions: [{status_code: 503}]}}
        """.formatted(SECRET, OTHER);

    assertThat(GatewayConfig.parse(json)).isEqualTo(GatewayConfig.parse(yaml));
    assertThat(GatewayConfig.parse(json).listen()).isEqualTo("[::1]:9000");
  }

  @Test
  void duplicateNamesAndPrefixesNameBothProviders() {
    assertThat(gateway("providers:\n" + provider("a", "/v1", "") + provider("b", "/v2", "")
        + provider("a", "/v1", ""))).containsExactly(
            "providers[2].name: \"a\" duplicates providers[0].name; each provider needs its own",
            "providers[2].pathPrefix: \"/v1\" duplicates providers[0].pathPrefix; "
                + "each provider needs its own");
  }

  @Test
  void duplicateTokensAreNamedByIndexAndMaskedId() {
    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> GatewayConfig.parse("""
            providers:
              - name: a
                upstream: https://api.example.com
                apiTokens: [%1$s, %2$s, {token: %1$s, weight: 2}]
                failover: {enabled: true}
            """.formatted(SECRET, OTHER)));

    assertThat(e.problems()).containsExactly(
        "providers[0].apiTokens[2]: duplicate of apiTokens[0] (" + MASKED + ")");
    assertThat(MASKED).isEqualTo("sk-…abcd");
    assertThat(e.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void noTokenEverAppearsInAMessage() {
    String broken = """
        providers:
          - name: a
            upstream: https://api.example.com
            apiTokens: [%1$s, %1$s, "%1$s ", {token: %1$s, weight: 0}, {%1$s: 1}, {tokn: %1$s}]
            failover: {enabled: true}
          - name: b
            upstream: https://api.example.com
            pathPrefix: /b
            apiTokens: %1$s
            auth: {header: "%1$s:"}
            failover: {enabled: true}
          - name: c
            upstream: https://user:%1$s@api.example.com/?q
            pathPrefix: /c
            apiTokens: [[%1$s], 12345678901234567890123]
            failover: {enabled: true}
        """.formatted(SECRET);
    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> GatewayConfig.parse(broken));

    assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("SECRET")
        .doesNotContain("12345678901234567890123").contains(MASKED);
    assertThat(e.problems()).contains(
        "providers[0].apiTokens[1]: duplicate of apiTokens[0] (" + MASKED + ")",
        "providers[0].apiTokens[2]: " + TokenSpec.maskedId(SECRET + " ") + " contains a character that cannot go in an "
            + "HTTP header (only visible ASCII, no spaces)",
        "providers[0].apiTokens[3].weight: 0 is not between 1 and 1000",
        "providers[0].apiTokens[4]." + MASKED + ": unknown key (valid keys: token, weight)",
        "providers[0].apiTokens[5].tokn: unknown key (did you mean token?)",
        "providers[1].apiTokens: " + MASKED + " is a string, expected a list",
        "providers[2].apiTokens[0]: [" + MASKED + "] is a list, expected a string");
  }

  @Test
  void tokenSyntaxErrorsAreMasked() {
    String json = "{\"providers\": [{\"apiTokens\": [sk_live_SECRET123456789abcd]}]}";
    assertThat(problems(() -> GatewayConfig.parse(json))).singleElement().asString()
        .contains("JSON syntax error").contains("sk_…abcd").doesNotContain("SECRET");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:8080", "localhost:1", "0.0.0.0:65535", "[::1]:8080",
      "[::]:80", "gateway.internal:443"})
  void acceptsListenAddresses(String listen) {
    String yaml = "listen: \"" + listen + "\"\nproviders:\n" + provider("a", "/", "");
    assertThat(GatewayConfig.parse(yaml).listen()).isEqualTo(listen);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      localhost             | "localhost" has no port; write host:port, e.g. 127.0.0.1:8080
      localhost:0           | "localhost:0" has no valid port (1-65535)
      localhost:65536       | "localhost:65536" has no valid port (1-65535)
      localhost:http        | "localhost:http" has no valid port (1-65535)
      :8080                 | ":8080" has no host; write e.g. 0.0.0.0:8080 to listen on every interface
      ::1:8080              | "::1:8080" has an IPv6 address without brackets; write e.g. [::1]:8080
      [::1]                 | "[::1]" is not [ipv6]:port, e.g. [::1]:8080
      [example.com]:80      | "[example.com]:80" does not hold an IPv6 address in its brackets
      my host:80            | "my host:80" has an invalid host name
      """)
  void rejectsBadListenAddresses(String listen, String problem) {
    assertThat(gateway("listen: \"" + listen + "\"\nproviders:\n" + provider("a", "/", "")))
        .containsExactly("listen: " + problem);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ftp://api.example.com          | "ftp://api.example.com" is not an http or https URI
      api.example.com                | "api.example.com" is not an absolute URI; write e.g. https://api.openai.com
      https://api.example.com/v1?x=1 | "https://api.example.com/v1?x=1" has a query or fragment, which an upstream cannot have
      https://api.example.com#top    | "https://api.example.com#top" has a query or fragment, which an upstream cannot have
      https:///v1                    | "https:///v1" has no valid host
      https://a b.com                | "https://a b.com" is not a valid URI: Illegal character in authority at index 8
      https://me:pw@api.example.com  | "https://…@api.example.com" holds user info; tokens belong in apiTokens, not in the URI
      """)
  void rejectsBadUpstreams(String upstream, String problem) {
    String yaml = "providers:\n" + provider("a", "/", "")
        .replace("https://api.example.com", "\"" + upstream + "\"");
    assertThat(gateway(yaml)).containsExactly("providers[0].upstream: " + problem);
  }

  @Test
  void acceptsUpstreamsWithAPath() {
    String yaml = "providers:\n" + provider("a", "/", "")
        .replace("https://api.example.com", "HTTP://proxy.internal:8443/openai/v1/");
    assertThat(GatewayConfig.parse(yaml).providers().get(0).upstream())
        .isEqualTo(URI.create("HTTP://proxy.internal:8443/openai/v1/"));
  }

  @Test
  void collectsProblemsFromEveryProviderWithTheirPaths() {
    String yaml = """
        listen: 8080
        providers:
        """ + provider("a", "/a", "    selection: FASTEST\n")
        + provider("b", "b", """
                auth: {header: "bad header", scheme: ""}
                healthCheck: {period: 5s}
            """).replace("status_code: 503", "status_code: [999]")
        + "  - name: c\n";

    assertThat(gateway(yaml)).containsExactly(
        "listen: 8080 is an integer, expected host:port, e.g. 127.0.0.1:8080",
        "providers[0].selection: \"FASTEST\" is not one of ROUND_ROBIN, WEIGHTED, RANDOM",
        "providers[1].pathPrefix: \"b\" does not start with /",
        "providers[1].auth.header: \"bad header\" is not a header name "
            + "(letters, digits and !#$%&'*+-.^_`|~ only)",
        "providers[1].failover.failure.conditions[0].status_code[0]: 999 is not an HTTP status "
            + "(100-599)",
        "providers[1].healthCheck.model: missing (required when healthCheck is set)",
        "providers[2].upstream: missing (required)",
        "providers[2].apiTokens: missing (required)");
  }

  @Test
  void theDefaultPathPrefixCountsAsADuplicate() {
    assertThat(gateway("providers:\n" + provider("a", "/", "")
        + provider("b", "/b", "").replace("    pathPrefix: /b\n", ""))).containsExactly(
            "providers[1].pathPrefix: \"/\" (the default) duplicates providers[0].pathPrefix; "
                + "each provider needs its own");
  }

  @Test
  void structuralProblems() {
    assertThat(gateway("providers: []")).containsExactly(
        "providers: [] is empty; give at least one provider");
    assertThat(gateway("listen: 127.0.0.1:80")).containsExactly("providers: missing (required)");
    assertThat(gateway("providers: [openai]\nprovider: {}")).containsExactly(
        "provider: unknown key (did you mean providers?)",
        "providers[0]: \"openai\" is a string, expected a map");
    assertThat(gateway("providers:\n" + provider("a", "/", "    apiToken: [x]\n")))
        .containsExactly("providers[0].apiToken: unknown key (did you mean apiTokens?)");
    assertThat(gateway("providers:\n" + provider("a", "/", "").replace("[" + SECRET + "]", "[]")))
        .containsExactly("providers[0].apiTokens: [] is empty; give at least one token");
  }

  @Test
  void authSchemeMayBeEmptyOrAbsent() {
    String yaml = "providers:\n" + provider("a", "/", "    auth: {header: api-key, scheme: \"\"}\n");
    assertThat(GatewayConfig.parse(yaml).providers().get(0).auth())
        .isEqualTo(Auth.header("api-key"));
  }

  @Test
  void providersTakeActionsAndAnEjectionPolicy() {
    String good = "providers:\n" + provider("a", "/", "").replace(
        "{failure: {conditions: [{status_code: 503}]}}",
        "{failure: {maxEjectionPercent: 50, conditions: [{status_code: 429, action: cooldown, "
            + "cooldown: 20s}]}}");
    FailoverConfig failover = GatewayConfig.parse(good).providers().get(0).failover();

    assertThat(failover.ejection()).isEqualTo(new EjectionPolicy(null, null, 50));
    assertThat(failover.failure().conditions()).containsExactly(Condition.status(429)
        .withCooldown(new CooldownRule(CooldownRule.STANDARD_HEADERS, Duration.ofSeconds(20),
            Duration.ofHours(1))));
    assertThat(gateway(good.replace("action: cooldown", "action: wait"))).containsExactly(
        "providers[0].failover.failure.conditions[0].action: \"wait\" is not one of count, "
            + "eject, cooldown, ignore, fallback");
  }

  /** The problems of {@code GatewayConfig.parse(yaml)}, which must throw. */
  static List<String> gateway(String yaml) {
    return problems(() -> GatewayConfig.parse(yaml));
  }

  static List<String> problems(org.assertj.core.api.ThrowableAssert.ThrowingCallable parse) {
    ConfigException[] caught = new ConfigException[1];
    org.assertj.core.api.Assertions.assertThatThrownBy(parse)
        .isInstanceOfSatisfying(ConfigException.class, e -> caught[0] = e);
    return caught[0].problems();
  }

  @Test
  void aGatewayProviderWithoutAFailoverBlockGetsTheRecommendedRules() {
    GatewayConfig gateway = GatewayConfig.parse("""
        providers:
          - name: openai
            upstream: https://api.openai.com
            apiTokens: [sk-test-aaaaaaaaaaaa1111, sk-test-bbbbbbbbbbbb2222]
        """);
    FailoverConfig config = gateway.providers().get(0).failover();
    assertThat(config).isEqualTo(FailoverConfig.builder().build());
  }
}
