package io.github.failover4j.proxy;

import java.util.List;
import java.util.Objects;

/**
 * The clients allowed to use the proxy ({@code clients:} in the gateway file), each a name and
 * the SHA-256 of its key. The keys themselves are not kept. Empty: no client key is asked for.
 */
public final class ClientKeys {
  /** No client keys: every request is let through (loopback, or explicitly allowed). */
  public static final ClientKeys NONE = new ClientKeys(List.of());

  /** One client: its name (for logs and metrics) and its key's digest. */
  record Client(String name, KeyDigest key) {}

  private final List<Client> clients;

  ClientKeys(List<Client> clients) {
    this.clients = List.copyOf(clients);
  }

  /** Whether client keys are asked for. */
  public boolean enabled() {
    return !clients.isEmpty();
  }

  /** The clients' names, in configuration order. */
  public List<String> names() {
    return clients.stream().map(Client::name).toList();
  }

  /**
   * The name of the client whose key is {@code presented}, or null. Every client's digest is
   * compared, each in constant time, so the time taken tells nothing about which one (nearly)
   * matched.
   */
  String match(String presented) {
    if (presented == null || presented.isEmpty()) {
      return null;
    }
    byte[] digest = KeyDigest.sha256(presented);
    String found = null;
    for (Client c : clients) {
      if (c.key().matches(digest) && found == null) {
        found = c.name();
      }
    }
    return found;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientKeys k && k.names().equals(names());
  }

  @Override
  public int hashCode() {
    return Objects.hash(names());
  }

  @Override
  public String toString() {
    return "ClientKeys" + names();
  }
}
