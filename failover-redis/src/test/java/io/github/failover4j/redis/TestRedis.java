package io.github.failover4j.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real redis-server (the binary embedded-redis ships) on a free loopback port, with no
 * persistence, that a test may stop and start again on the same port; plus an admin
 * connection for looking at what the fleet wrote.
 */
final class TestRedis implements AutoCloseable {
  final int port;
  /** The server's {@code requirepass}; {@code null}: none. */
  private final String password;
  private RedisServer server;
  private RedisClient admin;
  private StatefulRedisConnection<String, String> adminConnection;

  private TestRedis(int port, String password) {
    this.port = port;
    this.password = password;
  }

  static TestRedis start() {
    return startWithPassword(null);
  }

  /** A server that requires {@code password} ({@code null}: none) of every connection. */
  static TestRedis startWithPassword(String password) {
    TestRedis r = new TestRedis(freePort(), password);
    r.startServer();
    return r;
  }

  /** The server's URI, with its password when it has one. */
  String uri() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  void startServer() {
    try {
      RedisServerBuilder builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no");
      if (password != null) {
        builder.setting("requirepass " + password);
      }
      server = builder.build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void stopServer() {
    closeAdmin();
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Commands on an admin connection (opened on first use, closed with the server). */
  RedisCommands<String, String> admin() {
    if (admin == null) {
      admin = RedisClient.create(uri());
      adminConnection = admin.connect();
    }
    return adminConnection.sync();
  }

  private void closeAdmin() {
    if (admin != null) {
      adminConnection.close();
      admin.shutdown();
      admin = null;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stopServer();
  }
}
