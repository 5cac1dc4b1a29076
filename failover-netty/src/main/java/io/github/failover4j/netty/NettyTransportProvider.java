package io.github.failover4j.netty;

import io.github.failover4j.spi.Transport;
import io.github.failover4j.spi.TransportProvider;

/**
 * The {@code netty} transport, found by {@code Transports.open("netty")} on the module path
 * and the class path. Each {@link #open()} starts a {@link NettyTransport} with its own event
 * loop thread; close it when done.
 */
public final class NettyTransportProvider implements TransportProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  /** {@code netty}. */
  @Override
  public String name() {
    return "netty";
  }

  @Override
  public Transport open() {
    return NettyTransport.create();
  }
}
