package io.github.failover4j.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.Map;

/**
 * The Netty transport of the proxy's event loops and channels: the native epoll transport when
 * it is available (Linux x86-64, whose library ships in the jar), NIO otherwise, or when forced
 * with {@code -Dfailover.proxy.nio=true} or the environment variable {@code
 * FAILOVER_PROXY_NIO=1}. Event loops and the channels registered on them must be of one
 * transport, so every bootstrap of the proxy takes its classes from here.
 */
enum Transport {
  EPOLL("epoll"),
  NIO("nio");

  /** System property that forces NIO when {@code true}. */
  static final String NIO_PROPERTY = "failover.proxy.nio";
  /** Environment variable that forces NIO when {@code 1} or {@code true}. */
  static final String NIO_ENV = "FAILOVER_PROXY_NIO";

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  /** Epoll when available and not forced off, else NIO. */
  static Transport choose() {
    return choose(System.getProperty(NIO_PROPERTY), System.getenv());
  }

  /** The choice for a property value and an environment, for tests. */
  static Transport choose(String property, Map<String, String> env) {
    if (yes(property) || yes(env.get(NIO_ENV))) {
      return NIO;
    }
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  private static boolean yes(String value) {
    if (value == null) {
      return false;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    return v.equals("1") || v.equals("true") || v.equals("yes");
  }

  /** The event loops' I/O handler. */
  IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The listening socket's channel type. */
  Class<? extends ServerSocketChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Upstream and probe connections' channel type. */
  Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  @Override
  public String toString() {
    return label;
  }
}
