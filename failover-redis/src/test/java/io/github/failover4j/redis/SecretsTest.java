package io.github.failover4j.redis;

import static io.github.failover4j.redis.Replica.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The Redis URI's password is a secret: never in toString, an exception or the log. */
class SecretsTest {
  private static final String PASSWORD = "hunter2-very-secret";

  @Test
  void masksThePasswordOfEveryUriForm() {
    assertThat(Uris.mask("redis://default:" + PASSWORD + "@h:6379/0"))
        .isEqualTo("redis://default:****@h:6379/0");
    assertThat(Uris.mask("rediss://" + PASSWORD + "@h")).isEqualTo("rediss://****@h");
    assertThat(Uris.mask("redis-sentinel://u:" + PASSWORD + "@h1:26379,h2:26379/0#primary"))
        .isEqualTo("redis-sentinel://u:****@h1:26379,h2:26379/0#primary");
    assertThat(Uris.mask("redis://h:6379")).isEqualTo("redis://h:6379");
    assertThat(Uris.scrub("auth failed for " + PASSWORD, "redis://u:" + PASSWORD + "@h"))
        .isEqualTo("auth failed for ****");
  }

  @Test
  void aBadUriIsReportedWithItsPasswordMasked() {
    assertThatThrownBy(() -> RedisFleet.connect("http://u:" + PASSWORD + "@h:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("fleet.redis: http://u:****@h:6379 is not a Redis URI")
        .message().doesNotContain(PASSWORD);
    assertThatThrownBy(() -> RedisFleet.builder("redis://h").replicaId("a b"))
        .hasMessageContaining("fleet.replicaId: 'a b'");
  }

  @Test
  void sentinelTlsAndClusterUrisAreTakenAndMasked() {
    for (String uri : List.of("redis-sentinel://:" + PASSWORD + "@127.0.0.1:1,127.0.0.1:2/0#primary",
        "rediss://app:" + PASSWORD + "@127.0.0.1:1/0")) {
      try (RedisFleet fleet = RedisFleet.builder(uri).replicaId("r1").build()) {
        assertThat(fleet.toString()).doesNotContain(PASSWORD).contains(":****@127.0.0.1:1");
      }
    }
    try (RedisFleet fleet = RedisFleet.builder("redis://:" + PASSWORD + "@127.0.0.1:1")
        .cluster(true).build()) {
      assertThat(fleet.toString()).doesNotContain(PASSWORD);
      assertThat(fleet.reachable()).isFalse();
    }
  }

  @Test
  void toStringAndTheOutageLogShowTheUriMasked() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger log = Logger.getLogger(RedisFleet.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(new java.util.logging.SimpleFormatter().formatMessage(r)
            + (r.getThrown() == null ? "" : r.getThrown().toString()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try (RedisFleet fleet = RedisFleet.builder("redis://app:" + PASSWORD + "@127.0.0.1:"
        + closedPort).replicaId("r1").build()) {
      await("the outage is logged", () -> !logged.isEmpty());
      assertThat(fleet.toString()).isEqualTo("RedisFleet[redis://app:****@127.0.0.1:"
          + closedPort + ", prefix=failover4j, replica=r1, unreachable]");
      assertThat(logged.get(0)).contains("redis://app:****@127.0.0.1:" + closedPort)
          .contains("works alone");
    } finally {
      log.removeHandler(capture);
    }
    assertThat(logged).noneMatch(l -> l.contains(PASSWORD));
    int port = closedPort;
    assertThat(logged).filteredOn(l -> l.contains(":" + port)).as("logged once").hasSize(1);
  }
}
