package io.github.failover4j.proxy;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real redis-server for the proxy's fleet tests (the binary embedded-redis ships), on a free
 * loopback port, without persistence; stoppable and restartable on the same port.
 */
final class FleetRedis implements AutoCloseable {
  final int port;
  private final String password;
  private RedisServer server;

  FleetRedis() throws IOException {
    this(null);
  }

  /** A server that asks for {@code password} ({@code requirepass}); null: none. */
  FleetRedis(String password) throws IOException {
    this.port = ProxyProcessTest.freePort();
    this.password = password;
    start();
  }

  String uri() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  void start() throws IOException {
    RedisServerBuilder b = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no");
    if (password != null) {
      b.setting("requirepass " + password);
    }
    server = b.build();
    server.start();
  }

  void stop() throws IOException {
    server.stop();
  }

  /** Every key with its value(s), as text: what a scan of the whole store shows. */
  String dump() {
    RedisClient client = RedisClient.create(uri()); // the password, if any, in the URI
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      List<String> out = new ArrayList<>();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.limit(100));
        for (String key : page.getKeys()) {
          String type = r.type(key);
          Object value = switch (type) {
            case "hash" -> r.hgetall(key);
            case "string" -> r.get(key);
            default -> type;
          };
          out.add(key + " = " + value);
        }
        cursor = page;
      } while (!cursor.isFinished());
      return String.join("\n", out);
    } finally {
      client.shutdown();
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
