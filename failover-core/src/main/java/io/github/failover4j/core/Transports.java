package io.github.failover4j.core;

import io.github.failover4j.core.internal.Suggest;
import io.github.failover4j.spi.Transport;
import io.github.failover4j.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds transports by name with {@link ServiceLoader}, on the module path ({@code provides
 * io.github.failover4j.spi.TransportProvider}) and the class path ({@code META-INF/services})
 * alike.
 */
public final class Transports {
  private Transports() {}

  /** The transports failover4j ships, and the artifact (and JPMS module) that brings each. */
  private static final Map<String, String> SHIPPED = Map.of(
      "jdk", "io.github.failover4j:failover-http-jdk (JPMS: requires io.github.failover4j.http.jdk)",
      "netty", "io.github.failover4j:failover-netty (JPMS: requires io.github.failover4j.netty)");

  /**
   * Opens the transport named {@code name} (case-insensitive), e.g. {@code jdk} or {@code
   * netty}; the caller closes it.
   *
   * @param name the transport's name
   * @return a new transport
   * @throws IllegalArgumentException when no transport has that name: the message names the
   *     transports found, the nearest name to a misspelt one, and for a transport failover4j
   *     ships, the artifact to add
   */
  public static Transport open(String name) {
    return provider(name).open();
  }

  /**
   * The provider named {@code name}; see {@link #open(String)}.
   *
   * @param name the transport's name
   * @return the provider
   */
  public static TransportProvider provider(String name) {
    List<String> found = new ArrayList<>();
    if (name != null && !name.isBlank()) {
      String wanted = name.strip().toLowerCase(Locale.ROOT);
      for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
        if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
          return p;
        }
        found.add(p.name());
      }
    } else {
      found.addAll(available());
    }
    found.sort(null);
    throw new IllegalArgumentException(notFound(name, found));
  }

  private static String notFound(String name, List<String> found) {
    String onPath = found.isEmpty() ? "none is on the path" : "found: " + String.join(", ", found);
    if (name == null || name.isBlank()) {
      return "a transport name is required, e.g. Transports.open(\"jdk\") for the JDK's"
          + " HttpClient or \"netty\"; " + onPath;
    }
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    String artifact = SHIPPED.get(wanted);
    if (artifact != null) {
      return "no transport named '" + name + "' on the path: add the dependency " + artifact
          + "; " + onPath;
    }
    List<String> candidates = new ArrayList<>(found);
    SHIPPED.keySet().stream().filter(k -> !candidates.contains(k)).sorted()
        .forEach(candidates::add);
    String suggestion = Suggest.nearest(wanted, candidates).orElse(null);
    return "no transport named '" + name + "'"
        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)") + "; " + onPath
        + (found.isEmpty() ? " (add io.github.failover4j:failover-http-jdk or failover-netty)"
            : "");
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
