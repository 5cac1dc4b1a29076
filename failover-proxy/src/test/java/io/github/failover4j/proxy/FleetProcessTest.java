package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.proxy.FleetProcesses.Replica;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxy processes (real JVMs) sharing one real Redis with a password, in front of one fake
 * provider: what one replica learns, the other shows; Redis down, both keep serving.
 */
class FleetProcessTest {
  static final String PASSWORD = "fleet-redis-pass-0123456789abc";
  static final String BAD = FleetProxyTest.BAD;
  static final String GOOD = FleetProxyTest.GOOD;

  @Test
  void aKeyExhaustedOnOneReplicaIsOutOnTheOtherAndRedisDownIsDegradedNotDead(
      @TempDir Path dir) throws Exception {
    try (FleetRedis redis = new FleetRedis(PASSWORD);
        TestUpstream upstream = new TestUpstream().on(BAD, TestUpstream.quotaExhausted());
        Replica a = Replica.start(dir, "proxy-a", upstream.uri(), redis.uri(), "10s");
        Replica b = Replica.start(dir, "proxy-b", upstream.uri(), redis.uri(), "10s")) {
      assertThat(b.process().awaitLine(l -> l.contains("fleet: "), "naming the fleet"))
          .contains("fleet: redis://:****@127.0.0.1:" + redis.port, "replica proxy-b");
      // A meets the exhausted key (its request is retried on the good one) and ejects it
      for (int i = 0; i < 2 && !a.state(BAD).equals("EJECTED"); i++) {
        assertThat(a.chat().statusCode()).isEqualTo(200);
      }
      assertThat(a.state(BAD)).isEqualTo("EJECTED");
      FleetProcesses.await("B shows the key out", () -> b.state(BAD).equals("EJECTED"));

      JsonNode statusB = b.status();
      assertThat(statusB.path("fleet").path("replicaId").asText()).isEqualTo("proxy-b");
      assertThat(statusB.path("fleet").path("reachable").asBoolean()).isTrue();
      assertThat(statusB.path("fleet").path("redis").asText()).contains(":****@")
          .doesNotContain(PASSWORD);
      assertThat(FleetProcesses.token(statusB, BAD).path("fleet").path("version").asLong())
          .isPositive();
      assertThat(FleetProcesses.token(statusB, BAD).path("requests").asLong())
          .as("B never sent the exhausted key").isZero();

      String stored = redis.dump();
      assertThat(stored).contains(TokenSpec.of(BAD).fingerprint())
          .doesNotContain(BAD, GOOD, PASSWORD);

      redis.stop();
      for (Replica r : List.of(a, b)) {
        FleetProcesses.await(r + " says the fleet is degraded",
            () -> !r.status().path("fleet").path("reachable").asBoolean(true));
        HttpResponse<String> ready = r.get("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(FleetProcesses.JSON.readTree(ready.body()).path("fleet").asText())
            .isEqualTo("degraded");
        for (int i = 0; i < 3; i++) {
          assertThat(r.chat().statusCode()).as("%s serves while Redis is down", r)
              .isEqualTo(200);
        }
      }
      for (Replica r : List.of(a, b)) {
        assertThat(r.process().output()).doesNotContain(PASSWORD, BAD, GOOD);
      }
    }
  }
}
