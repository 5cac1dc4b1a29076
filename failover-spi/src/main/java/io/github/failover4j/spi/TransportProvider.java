package io.github.failover4j.spi;

/**
 * A service, found by {@link java.util.ServiceLoader}, that opens a {@link Transport} by name
 * ({@code jdk}, {@code netty} or a custom one). Adapters declare it both with {@code provides}
 * in {@code module-info.java} and in {@code META-INF/services}, so discovery works on the
 * module path and on the class path.
 */
public interface TransportProvider {

  /** The name users ask for, lower case, e.g. {@code jdk}. */
  String name();

  /** Opens a new transport; the caller closes it. */
  Transport open();
}
