package io.github.failover4j.http.jdk;

import io.github.failover4j.spi.Transport;
import io.github.failover4j.spi.TransportProvider;

/**
 * The {@code jdk} transport for {@link java.util.ServiceLoader}: {@code Transports.open("jdk")}
 * opens a {@link JdkTransport}. Declared both in {@code module-info.java} and in {@code
 * META-INF/services}, so it is found on the module path and the class path.
 */
public final class JdkTransportProvider implements TransportProvider {

  private static final String NAME = "jdk";

  /** Called by {@link java.util.ServiceLoader}. */
  public JdkTransportProvider() {}

  /** {@code jdk}. */
  @Override
  public String name() {
    return NAME;
  }

  /** A new {@link JdkTransport} with a default {@link java.net.http.HttpClient}. */
  @Override
  public Transport open() {
    return JdkTransport.create();
  }
}
