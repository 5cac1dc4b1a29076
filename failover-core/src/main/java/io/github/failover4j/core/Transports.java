package io.github.failover4j.core;

import io.github.failover4j.spi.Transport;
import io.github.failover4j.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds transports by name with {@link ServiceLoader}, on the module path ({@code provides
 * io.github.failover4j.spi.TransportProvider}) and the class path ({@code META-INF/services})
 * alike.
 */
public final class Transports {
  private Transports() {}

  /**
   * Opens the transport named {@code name} (case-insensitive), e.g. {@code jdk} or {@code
   * netty}; the caller closes it.
   *
   * @throws IllegalArgumentException naming the transports found when none has that name
   */
  public static Transport open(String name) {
    return provider(name).open();
  }

  /** The provider named {@code name}; see {@link #open(String)}. */
  public static TransportProvider provider(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        return p;
      }
      found.add(p.name());
    }
    throw new IllegalArgumentException("no transport named '" + name + "'; found "
        + (found.isEmpty() ? "none (add failover-http-jdk or failover-netty to the path)"
            : found.toString()));
  }

  /** The names of every transport on the path, sorted. */
  public static List<String> available() {
    List<String> names = new ArrayList<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      names.add(p.name());
    }
    names.sort(null);
    return names;
  }
}
