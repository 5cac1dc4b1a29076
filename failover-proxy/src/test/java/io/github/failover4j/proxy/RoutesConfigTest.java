package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.failover4j.core.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway file's {@code routes:} and {@code outageCooldown} (SPEC §9). */
class RoutesConfigTest {
  private static final String PROVIDERS = """
      providers:
        - name: openai
          upstream: https://api.openai.com
          pathPrefix: /openai
          apiTokens: [sk-test-aaaaaaaaaaaaaaaaaaaa1]
        - name: azure
          upstream: https://example.openai.azure.com
          pathPrefix: /azure
          auth: {header: api-key, scheme: ""}
          apiTokens: [sk-test-aaaaaaaaaaaaaaaaaaaa2]
      """;

  @Test
  void readsRoutesInOrderWithTheirTargets() {
    GatewayConfig c = GatewayConfig.parse(PROVIDERS + """
        outageCooldown: 10s
        routes:
          - model: gpt-4o
            targets:
              - provider: openai
              - provider: azure
                model: gpt-4o-eu
              - {provider: openai, model: gpt-4o-mini}
          - modelPattern: "gpt-4\\\\.1.*"
            targets: [{provider: openai}, {provider: azure, model: gpt-4o-eu}]
            budget: 45s
        """);
    assertThat(c.outageCooldown()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.routes()).hasSize(2);
    RouteConfig first = c.routes().get(0);
    assertThat(first.targets()).containsExactly(new RouteConfig.TargetConfig("openai", null),
        new RouteConfig.TargetConfig("azure", "gpt-4o-eu"),
        new RouteConfig.TargetConfig("openai", "gpt-4o-mini"));
    assertThat(first.budget()).as("no budget unless given").isNull();
    assertThat(first.matches("gpt-4o")).isTrue();
    assertThat(first.matches("gpt-4o-mini")).isFalse();
    RouteConfig second = c.routes().get(1);
    assertThat(second.budget()).isEqualTo(Duration.ofSeconds(45));
    assertThat(second.matches("gpt-4.1-mini")).isTrue();
    assertThat(second.matches("gpt-4x1")).isFalse();
    assertThat(second.matches("my-gpt-4.1")).as("anchored").isFalse();
    assertThat(second.matches(null)).isFalse();
  }

  @Test
  void withoutRoutesNothingIsRoutedByModel() {
    GatewayConfig c = GatewayConfig.parse(PROVIDERS);
    assertThat(c.routes()).isEmpty();
    assertThat(c.outageCooldown()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void reportsEachProblemWithItsPath() {
    ConfigException e = (ConfigException) catchThrowable(() -> GatewayConfig.parse(PROVIDERS + """
        outageCooldown: 0s
        routes:
          - model: gpt-4o
            targets: [{provider: nope}]
          - model: a
            targets: []
          - model: b
            modelPattern: "b.*"
            targets: [{provider: openai}]
          - targets: [{provider: openai}]
          - modelPattern: "(unclosed"
            targets: [{provider: openai}]
          - model: c
            targets: [{provider: openai}, {provider: openai}]
          - model: d
            targets: [{provider: openai}]
            budget: 0s
          - model: e
            targets: [{provider: openai}]
            budget: 30
          - model: f
            targets: [{provider: openai}]
            budget: soon
          - model: g
            targets: [{provider: openai}]
            budgett: 30s
        """));
    List<String> problems = e.problems();
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("routes[0].targets[0].provider").contains("names no provider")
        .contains("azure", "openai"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[1].targets")
        .contains("is empty"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[2]")
        .contains("both model and modelPattern"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[3]")
        .contains("neither model nor modelPattern"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[4].modelPattern")
        .contains("RE2"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[5].targets[1]")
        .contains("repeats target openai"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("outageCooldown"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[6].budget: \"0s\"")
        .contains("not positive"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[7].budget: 30")
        .contains("has no unit"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[8].budget")
        .contains("soon"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("routes[9].budgett")
        .contains("did you mean budget?"));
  }

  @Test
  void theBudgetReachesTheEnginesRouteAndAReloadChangesIt() throws Exception {
    String providers = PROVIDERS.replace("https://api.openai.com", "http://127.0.0.1:9")
        .replace("https://example.openai.azure.com", "http://127.0.0.1:9");
    String routes = """
        routes:
          - model: a
            targets: [{provider: openai}, {provider: azure}]
            budget: 1500ms
          - model: b
            targets: [{provider: openai}]
        """;
    FailoverProxy proxy = FailoverProxy.builder(GatewayConfig.parse(providers + routes))
        .listen(new java.net.InetSocketAddress("127.0.0.1", 0)).threads(1).start();
    try {
      List<Routing.ModelRoute> built = proxy.routing().modelRoutes();
      assertThat(built.get(0).fallback().budget()).isEqualTo(Duration.ofMillis(1500));
      assertThat(built.get(1).fallback().budget()).isNull();
      proxy.reload(GatewayConfig.parse(providers + routes.replace("budget: 1500ms", "")
          .replace("targets: [{provider: openai}]\n", "targets: [{provider: openai}]\n"
              + "    budget: 2s\n")));
      built = proxy.routing().modelRoutes();
      assertThat(built.get(0).fallback().budget()).isNull();
      assertThat(built.get(1).fallback().budget()).isEqualTo(Duration.ofSeconds(2));
    } finally {
      proxy.shutdown(Duration.ofSeconds(2)).join();
    }
  }
}
