package io.github.failover4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A redis-server for the fleet benchmarks on a free loopback port, without persistence: the
 * binary embedded-redis ships, so the benchmarks need nothing but a JDK.
 */
final class BenchRedis implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  BenchRedis() {
    try {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
