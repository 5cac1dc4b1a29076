/**
 * The Netty adapter of failover4j: a pipeline handler for a gateway's upstream channels, a
 * prober and an event-loop scheduler, and {@code provides} the {@code netty} transport.
 */
module io.github.failover4j.netty {
  requires transitive io.github.failover4j.core;
  requires transitive io.netty.common;
  requires transitive io.netty.transport;
  requires transitive io.netty.handler;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;

  exports io.github.failover4j.netty;
  // Upstream channel set-up (TLS, host verification) shared with the proxy; not API.
  exports io.github.failover4j.netty.internal to io.github.failover4j.proxy;

  provides io.github.failover4j.spi.TransportProvider
      with io.github.failover4j.netty.NettyTransportProvider;
}
