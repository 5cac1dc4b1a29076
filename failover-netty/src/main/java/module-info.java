/**
 * The Netty adapter of failover4j and its OpenAI-compatible failover proxy. Exports the
 * adapter ({@code io.github.failover4j.netty}): a pipeline handler for a gateway's upstream
 * channels, a prober and an event-loop scheduler, and {@code provides} the {@code netty}
 * transport. The proxy ({@code io.github.failover4j.netty.proxy}) is an application, run with
 * {@code java -jar failover-proxy.jar}; it is not exported.
 */
module io.github.failover4j.netty {
  requires transitive io.github.failover4j.core;
  requires transitive io.netty.common;
  requires transitive io.netty.transport;
  requires transitive io.netty.handler;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires java.logging;

  exports io.github.failover4j.netty;

  provides io.github.failover4j.spi.TransportProvider
      with io.github.failover4j.netty.NettyTransportProvider;
}
