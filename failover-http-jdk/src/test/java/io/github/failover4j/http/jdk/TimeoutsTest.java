package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Fixtures.CHAT_JSON;
import static io.github.failover4j.http.jdk.Fixtures.OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The adapter's timeouts (SPEC §10): connect on the default client, response per attempt. */
class TimeoutsTest {

  @Test
  void theDefaultClientConnectsWithinFiveSeconds() {
    TokenPool pool = TokenPool.builder("t").tokens(OK)
        .config(FailoverConfig.builder().conditions(Condition.status(429)).build()).build();
    assertThat(FailoverHttpClient.builder().pool(pool).build().httpClient().connectTimeout())
        .contains(Duration.ofSeconds(5));
    assertThat(FailoverHttpClient.builder().pool(pool).connectTimeout(Duration.ofSeconds(2))
        .build().httpClient().connectTimeout()).contains(Duration.ofSeconds(2));
  }

  @Test
  void aSilentUpstreamTimesOutAsATransportErrorThatDoesNotCount() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> { // accepts, reads, never answers
        try (Socket s = silent.accept()) {
          done.await();
        } catch (Exception e) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      URI base = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      TokenPool pool = TokenPool.builder("t").tokens(OK).upstream(base)
          .config(FailoverConfig.builder().conditions(Condition.status(429)).build()).build();
      FailoverHttpClient client = FailoverHttpClient.builder().pool(pool)
          .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
          .responseTimeout(Duration.ofMillis(300)).build();
      HttpRequest chat = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString(CHAT_JSON)).build();
      assertThatThrownBy(() -> client.send(chat, BodyHandlers.ofString()))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(Fixtures.state(pool, OK).consecutiveFailures()).isZero();
    } finally {
      done.countDown();
    }
  }

  @Test
  void timeoutsMustBePositive() {
    assertThatThrownBy(() -> FailoverHttpClient.builder().responseTimeout(Duration.ZERO))
        .hasMessageContaining("responseTimeout");
    assertThatThrownBy(() -> FailoverHttpClient.builder().connectTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("connectTimeout");
  }
}
