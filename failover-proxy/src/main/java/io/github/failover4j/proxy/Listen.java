package io.github.failover4j.proxy;

import java.net.InetSocketAddress;

/** Parses {@code host:port} and {@code [ipv6]:port}; port 0 picks a free port. */
final class Listen {
  private Listen() {}

  /**
   * The address of {@code hostPort}, unresolved names resolved.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static InetSocketAddress parse(String hostPort) {
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0 || !hostPort.startsWith(":", close + 1)) {
        throw new IllegalArgumentException("'" + hostPort + "' is not [ipv6]:port");
      }
      host = hostPort.substring(1, close);
      port = hostPort.substring(close + 2);
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + hostPort
            + "' is not host:port, e.g. 127.0.0.1:8080");
      }
      host = hostPort.substring(0, colon);
      port = hostPort.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("'" + hostPort + "' has no valid port (0-65535)");
    }
    InetSocketAddress address = new InetSocketAddress(host, p);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("'" + hostPort + "': the host " + host
          + " cannot be resolved");
    }
    return address;
  }
}
