package io.github.failover4j.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce, configured for a fleet: a client for standalone and Sentinel URIs (including {@code
 * rediss://} and ACL users) or for Cluster; reconnects quickly by itself; commands fail at once
 * while disconnected, so the fleet's thread never waits on a dead server.
 */
final class Connector {
  private final ClientResources resources;
  private final AbstractRedisClient client;

  Connector(RedisURI uri, boolean cluster, Duration commandTimeout) {
    this.resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS))
        .ioThreadPoolSize(2) // Lettuce's minimum
        .computationThreadPoolSize(2)
        .build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(commandTimeout).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
    if (cluster) {
      RedisClusterClient c = RedisClusterClient.create(resources, uri);
      c.setOptions(ClusterClientOptions.builder().autoReconnect(true).socketOptions(socket)
          .timeoutOptions(timeouts)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      this.client = c;
    } else {
      RedisClient c = RedisClient.create(resources, uri);
      c.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket)
          .timeoutOptions(timeouts)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      this.client = c;
    }
  }

  void onConnected(RedisConnectionStateListener listener) {
    client.addListener(listener);
  }

  StatefulConnection<String, String> connect() {
    return client instanceof RedisClusterClient c ? c.connect() : ((RedisClient) client).connect();
  }

  @SuppressWarnings("unchecked")
  RedisClusterCommands<String, String> commands(StatefulConnection<String, String> connection) {
    if (connection instanceof StatefulRedisClusterConnection<?, ?> c) {
      return ((StatefulRedisClusterConnection<String, String>) c).sync();
    }
    return ((StatefulRedisConnection<String, String>) connection).sync();
  }

  StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return client instanceof RedisClusterClient c ? c.connectPubSub()
        : ((RedisClient) client).connectPubSub();
  }

  /** Closes the connections and the client, without waiting for a server that is gone. */
  void close(StatefulConnection<String, String> connection,
      StatefulRedisPubSubConnection<String, String> pubsub) {
    try {
      if (pubsub != null) {
        pubsub.close();
      }
      if (connection != null) {
        connection.close();
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
