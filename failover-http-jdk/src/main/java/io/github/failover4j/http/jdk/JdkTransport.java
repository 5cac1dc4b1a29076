package io.github.failover4j.http.jdk;

import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Transport;
import java.net.http.HttpClient;
import java.util.Objects;

/**
 * What a {@link io.github.failover4j.core.TokenPool} needs from the JDK to bring tokens back:
 * a prober that sends health checks with an {@link HttpClient}, a scheduler on one daemon
 * thread named {@code failover4j-jdk-scheduler}, and the system's monotonic clock ({@link
 * io.github.failover4j.spi.Ticker#SYSTEM}). Open one per application and share it among pools; {@link #close()} stops
 * the thread.
 *
 * <pre>{@code
 * try (JdkTransport transport = JdkTransport.create()) {
 *   TokenPool pool = TokenPool.builder("openai").transport(transport) … .build();
 * }
 * }</pre>
 *
 * <p>The same transport is found by name with {@code Transports.open("jdk")}.
 */
public final class JdkTransport implements Transport {
  private final JdkProber prober;
  private final JdkScheduler scheduler = new JdkScheduler();

  private JdkTransport(HttpClient http) {
    this.prober = new JdkProber(Objects.requireNonNull(http, "http"));
  }

  /** A transport that probes with a new default {@link HttpClient}. */
  public static JdkTransport create() {
    return new JdkTransport(HttpClient.newHttpClient());
  }

  /**
   * A transport that probes with {@code http}, e.g. to share its proxy, TLS or executor
   * settings with the requests.
   */
  public static JdkTransport create(HttpClient http) {
    return new JdkTransport(http);
  }

  /** Sends probes with the transport's {@link HttpClient}, reading at most each probe's cap. */
  @Override
  public ProbeTransport prober() {
    return prober;
  }

  /** The transport's single daemon scheduler thread. */
  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Stops the scheduler thread and drops its pending tasks; idempotent. */
  @Override
  public void close() {
    scheduler.close();
  }

  @Override
  public String toString() {
    return "JdkTransport[" + (scheduler.isClosed() ? "closed" : "open") + "]";
  }
}
