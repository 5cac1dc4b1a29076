/**
 * failover4j for the JDK's {@link java.net.http.HttpClient}: {@link
 * io.github.failover4j.http.jdk.FailoverHttpClient} sends each request with a healthy token of a
 * {@link io.github.failover4j.core.TokenPool}, judges the response and retries on another token;
 * {@link io.github.failover4j.http.jdk.JdkTransport} probes ejected tokens with an {@code
 * HttpClient} and keeps time on one daemon scheduler thread. Provides the {@code jdk} transport
 * to {@link java.util.ServiceLoader}.
 */
module io.github.failover4j.http.jdk {
  requires transitive io.github.failover4j.core;
  requires transitive java.net.http;

  exports io.github.failover4j.http.jdk;

  provides io.github.failover4j.spi.TransportProvider
      with io.github.failover4j.http.jdk.JdkTransportProvider;
}
