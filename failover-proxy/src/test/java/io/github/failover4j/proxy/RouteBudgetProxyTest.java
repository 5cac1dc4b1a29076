package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.RoutesProxyTest.B1;
import static io.github.failover4j.proxy.RoutesProxyTest.CHAT;
import static io.github.failover4j.proxy.RoutesProxyTest.P1;
import static io.github.failover4j.proxy.RoutesProxyTest.P2;
import static io.github.failover4j.proxy.RoutesProxyTest.answersWithItsModel;
import static io.github.failover4j.proxy.RoutesProxyTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A route's {@code budget} (SPEC §9, §10) through the proxy: it bounds the whole request, every
 * attempt and wait, on the proxy's timer (a {@link io.github.failover4j.test.ManualClock}), and
 * no attempt starts once it has run out. Tested at the limit: a budget that ends with the
 * primary's {@code response} timeout leaves no room for the fallback; one a millisecond longer
 * does.
 */
class RouteBudgetProxyTest {
  static final Duration NS = Duration.ofNanos(1);

  @AutoClose
  RoutesRig rig;

  /** The primary (keys P1, P2) and the backup (B1), the route big → primary, backup. */
  static String gateway(Duration primaryResponse, String budget, String primaryRetry) {
    return """
        providers:
          - name: primary
            upstream: {primary}
            apiTokens: [%s, %s]
            timeouts: {response: %dms}
            retryOnFailure: %s
            failover:
              failure:
                conditions:
                  - status_code: [429, 503]
          - name: backup
            upstream: {backup}
            pathPrefix: /backup
            apiTokens: [%s]
            timeouts: {response: 60s}
        routes:
          - model: big
            targets: [{provider: primary}, {provider: backup, model: backup-model}]
        %s
        """.formatted(P1, P2, primaryResponse.toMillis(), primaryRetry, B1,
        budget == null ? "" : "    budget: " + budget);
  }

  void start(FaultUpstream.Script primary, Duration primaryResponse, String budget)
      throws Exception {
    start(primary, primaryResponse, budget, "{maxRetries: 1}");
  }

  void start(FaultUpstream.Script primary, Duration primaryResponse, String budget,
      String primaryRetry) throws Exception {
    rig = new RoutesRig(primary, answersWithItsModel("backup"),
        gateway(primaryResponse, budget, primaryRetry));
  }

  /** Sends CHAT; returns the connection once the primary has the request. */
  Socket sendAndAwaitPrimary() throws IOException, InterruptedException {
    Socket c = rig.send(CHAT);
    rig.primary.take();
    return c;
  }

  @Test
  void aSilentPrimaryGets504WhenTheBudgetRunsOutAndNoAttemptStartsAfterIt() throws Exception {
    start(null, Duration.ofSeconds(10), "3s");
    rig.primary.script(rig.primary.hang());
    Socket c = sendAndAwaitPrimary();
    rig.awaitDue(Duration.ofSeconds(3)); // the budget, before the 10 s response timeout
    rig.clock.advance(Duration.ofSeconds(3).minus(NS));
    assertThat(rig.clock.pendingDueTimes()).as("a nanosecond before the budget: still waiting")
        .contains(Duration.ofSeconds(3).toNanos());
    rig.clock.advance(NS);
    String[] r = RoutesRig.read(c);
    assertThat(r[0]).startsWith("HTTP/1.1 504");
    assertThat(r[1]).contains("upstream_timeout");
    assertThat(rig.now()).isEqualTo(Duration.ofSeconds(3));
    assertThat(rig.primary.drain()).as("no second key of the silent provider").isEmpty();
    assertThat(rig.backup.drain()).as("no attempt after the budget").isEmpty();
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(rig.get("/_failover/status")[1]).at("/routes/0/budgetMs").asLong())
        .isEqualTo(3000);
  }

  /** A silent primary with a 2 s response timeout, the route's {@code budget}: the answer. */
  String[] silentPrimaryFor2s(String budget) throws Exception {
    start(null, Duration.ofSeconds(2), budget);
    rig.primary.script(rig.primary.hang());
    Socket c = sendAndAwaitPrimary();
    rig.awaitDue(Duration.ofSeconds(2));
    rig.clock.advance(Duration.ofSeconds(2));
    return RoutesRig.read(c);
  }

  @Test
  void aBudgetEndingWithTheResponseTimeoutLeavesNoRoomForTheFallback() throws Exception {
    String[] r = silentPrimaryFor2s("2s");
    assertThat(r[0]).startsWith("HTTP/1.1 504");
    assertThat(rig.backup.drain()).as("the budget ran out with the timeout").isEmpty();
    assertThat(rig.primary.drain()).isEmpty();
  }

  @Test
  void aBudgetAMillisecondLongerThanTheResponseTimeoutLetsTheFallbackServe() throws Exception {
    String[] r = silentPrimaryFor2s("2001ms");
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(r[1]).contains("\"model\":\"backup-model\"");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("2");
    assertThat(rig.backup.drain()).hasSize(1);
    assertThat(rig.primary.drain()).as("no second key of the silent provider").isEmpty();
  }

  @Test
  void aRetryAfterThatWouldOutlastTheBudgetIsNotWaitedForTheFallbackServesAtOnce()
      throws Exception {
    start((r, s, out) -> {
      FaultUpstream.write(out, "HTTP/1.1 503 X\r\nRetry-After: 4\r\nContent-Length: 2\r\n\r\n{}");
      return true;
    }, Duration.ofSeconds(10), "3s", "{maxRetries: 1, honorRetryAfter: 5s}");
    String[] r = rig.chat(CHAT);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("backup/backup-model");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("2");
    assertThat(rig.now()).as("nothing waited: the 4 s wait would pass the 3 s budget")
        .isZero();
    assertThat(rig.primary.drain()).hasSize(1);
  }
}
