package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.HostileUpstreamTest.PLAIN;
import static io.github.failover4j.proxy.HostileUpstreamTest.SHORT;
import static io.github.failover4j.proxy.HostileUpstreamTest.TOKEN;
import static io.github.failover4j.proxy.HostileUpstreamTest.readResponse;
import static io.github.failover4j.proxy.HostileUpstreamTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.TokenSpec;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The proxy serves on either transport; epoll is chosen where it ships, NIO when forced. */
class TransportTest {

  @Test
  void epollIsChosenOnLinuxX86UnlessNioIsForced() {
    boolean linuxX86 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64");
    if (linuxX86) { // the machine the tests run on: its native library is in the jar
      assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isTrue();
      assertThat(Transport.choose(null, Map.of())).isEqualTo(Transport.EPOLL);
    } else {
      assertThat(Transport.choose(null, Map.of())).isEqualTo(Transport.NIO);
    }
    assertThat(Transport.choose("true", Map.of())).isEqualTo(Transport.NIO);
    assertThat(Transport.choose(null, Map.of(Transport.NIO_ENV, "1"))).isEqualTo(Transport.NIO);
    assertThat(Transport.choose("false", Map.of(Transport.NIO_ENV, "0")))
        .isEqualTo(Transport.choose(null, Map.of()));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theProxyServesOnEitherTransport(Transport transport) throws Exception {
    if (transport == Transport.EPOLL && !Epoll.isAvailable()) {
      assertThat(transport.socketChannel()).isEqualTo(EpollSocketChannel.class);
      return; // not on this platform: NIO is what would run (tested by the other case)
    }
    try (FaultUpstream up = new FaultUpstream(FaultUpstream.ok("{\"ok\":true}"))) {
      GatewayConfig gateway = new GatewayConfig(null, List.of(new ProviderConfig("test",
          up.uri(), "/", Auth.BEARER, List.of(TokenSpec.of(TOKEN)), PLAIN, SHORT)),
          ClientLimits.DEFAULTS, Limits.DEFAULT);
      FailoverProxy proxy = FailoverProxy.builder(gateway)
          .listen(new InetSocketAddress("127.0.0.1", 0)).transport(transport).threads(1)
          .start();
      try (Socket c = new Socket("127.0.0.1", proxy.address().getPort())) {
        c.setSoTimeout(10_000);
        for (int i = 0; i < 3; i++) {
          send(c, "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n\r\n");
          String[] response = readResponse(c);
          assertThat(response[0]).startsWith("HTTP/1.1 200");
          assertThat(response[1]).isEqualTo("{\"ok\":true}");
        }
        assertThat(up.connections()).as("the upstream connection is pooled").isEqualTo(1);
        assertThat(proxy.transport()).isEqualTo(transport);
        assertThat(proxy.connections().idleConnections()).allSatisfy(ch ->
            assertThat(ch).isInstanceOf(transport == Transport.EPOLL
                ? EpollSocketChannel.class : NioSocketChannel.class));
      } finally {
        proxy.shutdown(Duration.ofSeconds(2)).join();
      }
    }
  }
}
