package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.GatewayConfigTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gateway file's {@code timeouts} (per provider) and {@code limits} (top level). */
class LimitsAndTimeoutsConfigTest {
  static final String SECRET = "sk-config-000000000000000000001";

  static String gateway(String top, String provider) {
    return top + """
        providers:
          - name: a
            upstream: https://api.example.com
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: 503}]}}
        """.formatted(SECRET) + provider;
  }

  @Test
  void defaultsWhenAbsent() {
    GatewayConfig c = GatewayConfig.parse(gateway("", ""));
    assertThat(c.limits()).isEqualTo(Limits.DEFAULT);
    assertThat(c.limits().retryBufferBytes()).isEqualTo(64L << 20);
    assertThat(c.limits().retryBodyBytes()).isEqualTo(8 << 20);
    assertThat(c.limits().upstreamHeadBytes()).isEqualTo(64 << 10);
    assertThat(c.limits().upstreamIdlePerLoop()).isEqualTo(1024);
    assertThat(c.limits().upstreamIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    Timeouts t = c.providers().get(0).timeouts();
    assertThat(t).isEqualTo(Timeouts.DEFAULT);
    assertThat(t.connect()).isEqualTo(Duration.ofSeconds(5));
    assertThat(t.response()).isEqualTo(Duration.ofSeconds(60));
    assertThat(t.firstByte()).isNull();
    assertThat(t.idle()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readsEveryKey() {
    GatewayConfig c = GatewayConfig.parse(gateway(
        "limits: {retryBufferBytes: 128MiB, retryBodyBytes: 1MiB, upstreamHeadBytes: 32768}\n",
        "    timeouts: {connect: 500ms, response: 2m, firstByte: 10s, idle: 45s}\n"));
    assertThat(c.limits()).isEqualTo(new Limits(128L << 20, 1 << 20, 32768));
    assertThat(c.providers().get(0).timeouts()).isEqualTo(new Timeouts(Duration.ofMillis(500),
        Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofSeconds(45)));
    assertThat(GatewayConfig.parse(gateway("", "    timeouts: {firstByte: off}\n"))
        .providers().get(0).timeouts().firstByte()).isNull();
  }

  @Test
  void readsTheUpstreamPoolSizing() {
    GatewayConfig c = GatewayConfig.parse(gateway(
        "limits: {upstreamIdlePerLoop: 0, upstreamIdleTimeout: 1m30s}\n", ""));
    assertThat(c.limits()).isEqualTo(new Limits(64L << 20, 8 << 20, 64 << 10, 0,
        Duration.ofSeconds(90)));
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {upstreamIdlePerLoop: -1, upstreamIdleTimeout: 0s}\n", ""))))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamIdlePerLoop")
            .contains("between"))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamIdleTimeout")
            .contains("not positive"));
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {upstreamIdleTimeout: \"off\"}\n", ""))))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamIdleTimeout")
            .contains("not a duration"));
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {upstreamIdlePerLoop: many, upstreamIdleTimeout: 60}\n", ""))))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamIdlePerLoop"))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamIdleTimeout")
            .contains("no unit"));
  }

  @Test
  void readsTheCapPerProvider() {
    assertThat(GatewayConfig.parse(gateway("", "")).limits().upstreamMaxPerProvider())
        .as("no limit by default").isZero();
    assertThat(GatewayConfig.parse(gateway("limits: {upstreamMaxPerProvider: 64}\n", ""))
        .limits()).isEqualTo(new Limits(64L << 20, 8 << 20, 64 << 10, 1024,
            Duration.ofSeconds(60), 64));
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {upstreamMaxPerProvider: -1}\n", ""))))
        .singleElement().asString().contains("limits.upstreamMaxPerProvider",
            "is not between 0 and 1000000");
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {upstreamMaxPerProvider: some}\n", ""))))
        .singleElement().asString().contains("limits.upstreamMaxPerProvider", "integer");
  }

  @Test
  void badValuesAreReportedWithTheirPath() {
    assertThat(problems(() -> GatewayConfig.parse(gateway(
        "limits: {retryBufferBytes: lots, upstreamHeadBytes: 10, retryBodyBytes: 3GiB, x: 1}\n",
        "    timeouts: {connect: 5, response: -1s, idle: soon, firstByte: 0s, total: 1s}\n"))))
        .anySatisfy(p -> assertThat(p).contains("limits.retryBufferBytes").contains("not a size"))
        .anySatisfy(p -> assertThat(p).contains("limits.upstreamHeadBytes").contains("between"))
        .anySatisfy(p -> assertThat(p).contains("limits.retryBodyBytes").contains("between"))
        .anySatisfy(p -> assertThat(p).contains("limits").contains("x"))
        .anySatisfy(p -> assertThat(p).contains("providers[0].timeouts.connect")
            .contains("no unit"))
        .anySatisfy(p -> assertThat(p).contains("providers[0].timeouts.response")
            .contains("negative"))
        .anySatisfy(p -> assertThat(p).contains("providers[0].timeouts.idle"))
        .anySatisfy(p -> assertThat(p).contains("providers[0].timeouts.firstByte"))
        .anySatisfy(p -> assertThat(p).contains("total"));
  }
}
