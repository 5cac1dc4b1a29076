package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.internal.SecretRefs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway file's {@code fleet:} key: read, validated with paths, its secret masked. */
class FleetConfigTest {
  static final String PASSWORD = "redis-pass-s3cr3t-0123456789";
  static final String PROVIDERS = """
      providers:
        - name: openai
          upstream: https://api.openai.com
          apiTokens: [sk-fleet-config-000000000000001]
      """;

  static GatewayConfig parse(String fleet, Map<String, String> env, Path dir) {
    return GatewayConfig.parse(PROVIDERS + fleet, new SecretRefs(env::get, dir));
  }

  static GatewayConfig parse(String fleet) {
    return parse(fleet, Map.of(), Path.of("."));
  }

  static String problems(String fleet, Map<String, String> env) {
    try {
      parse(fleet, env, Path.of("."));
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("no problem reported for " + fleet);
  }

  @Test
  void withoutFleetTheProxyRunsAlone() {
    assertThat(parse("").service().fleet()).isNull();
  }

  @Test
  void readsEverySettingWithDefaults() {
    FleetConfig plain = parse("fleet: {redis: \"redis://10.0.0.5:6379\"}").service().fleet();
    assertThat(plain).isEqualTo(new FleetConfig("redis://10.0.0.5:6379", "failover4j", null,
        null, null));

    FleetConfig all = parse("""
        fleet:
          redis: rediss://app:%s@redis.internal:6380/0
          prefix: gw-eu
          replicaId: gw-eu-1
          resyncPeriod: 5s
          leaseTime: 45s
        """.formatted(PASSWORD)).service().fleet();
    assertThat(all.prefix()).isEqualTo("gw-eu");
    assertThat(all.replicaId()).isEqualTo("gw-eu-1");
    assertThat(all.resyncPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(all.leaseTime()).isEqualTo(Duration.ofSeconds(45));
    assertThat(all.maskedRedis()).isEqualTo("rediss://app:****@redis.internal:6380/0");
    assertThat(all.toString()).doesNotContain(PASSWORD).contains("app:****@");
  }

  @Test
  void theUriMayBeAnEnvironmentOrFileReference(@TempDir Path dir) throws Exception {
    String uri = "redis://:" + PASSWORD + "@127.0.0.1:6379";
    FleetConfig env = parse("fleet: {redis: \"${REDIS_URL}\"}", Map.of("REDIS_URL", uri), dir)
        .service().fleet();
    assertThat(env.redis()).isEqualTo(uri);
    assertThat(env.toString()).doesNotContain(PASSWORD);

    Files.writeString(dir.resolve("redis.url"), uri + "\n");
    FleetConfig file = parse("fleet: {redis: \"file:redis.url\"}", Map.of(), dir).service()
        .fleet();
    assertThat(file.redis()).isEqualTo(uri);
  }

  @Test
  void badSettingsAreReportedWithTheirPathsAndThePasswordNeverShows() {
    assertThat(problems("fleet: {redis: \"${REDIS_URL}\"}", Map.of()))
        .contains("fleet.redis", "REDIS_URL is not set");
    assertThat(problems("fleet: {prefix: x}", Map.of())).contains("fleet.redis");
    String bad = problems("""
        fleet:
          redis: "${REDIS_URL}"
          replicaId: "has space"
          leaseTime: 0s
          resyncPeriod: soon
          sentinel: yes
        """, Map.of("REDIS_URL", "http://user:" + PASSWORD + "@host:6379"));
    assertThat(bad).contains("fleet.redis", "not a Redis URI", "http://user:****@host:6379",
        "fleet.replicaId", "fleet.leaseTime", "fleet.resyncPeriod", "fleet.sentinel")
        .doesNotContain(PASSWORD);
    String clear = problems("fleet: {redis: \"mysql://root:" + PASSWORD + "@db\"}", Map.of());
    assertThat(clear).contains("fleet.redis").doesNotContain(PASSWORD);
  }
}
