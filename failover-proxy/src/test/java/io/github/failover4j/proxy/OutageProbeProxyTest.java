package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.RoutesProxyTest.CHAT;
import static io.github.failover4j.proxy.RoutesProxyTest.P1;
import static io.github.failover4j.proxy.RoutesProxyTest.P2;
import static io.github.failover4j.proxy.RoutesProxyTest.answersWithItsModel;
import static io.github.failover4j.proxy.RoutesProxyTest.header;
import static io.github.failover4j.proxy.RoutesProxyTest.model;
import static io.github.failover4j.proxy.RoutesProxyTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Outages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The return to the primary through a health-check probe of its own model (SPEC §9), end to
 * end: a provider with a {@code healthCheck}, a model of it answering {@code 503} for every
 * key goes into outage, another model of the same provider (same keys) serves, and once the
 * model recovers the next probe — on the proxy's scheduler, a {@link
 * io.github.failover4j.test.ManualClock} — asks the upstream for that model, passes, and the
 * next request is served by the primary again.
 */
class OutageProbeProxyTest {
  static final String PROBE_PROMPT = "are you there?";
  static final String GATEWAY = """
      providers:
        - name: primary
          upstream: {primary}
          apiTokens: [%s, %s]
          retryOnFailure: {maxRetries: 1}
          failover:
            failure:
              conditions:
                - status_code: [503]
          healthCheck:
            period: 10s
            timeout: 5s
            content: "%s"
            model: the-pools-probe-model
            conditions: [{status_code: [200]}]
        - name: backup
          upstream: {backup}
          pathPrefix: /backup
          apiTokens: [sk-backup-000000000000000000001]
      routes:
        - model: a
          targets: [{provider: primary}, {provider: primary, model: b}]
      """.formatted(P1, P2, PROBE_PROMPT);

  @AutoClose
  RoutesRig rig;

  static boolean isProbe(FaultUpstream.Request r) {
    return r.body().contains(PROBE_PROMPT);
  }

  @Test
  void theFirstPassingProbeOfTheModelBringsTrafficBackToThePrimary() throws Exception {
    boolean[] aDown = {true};
    rig = new RoutesRig((r, s, out) -> {
      if ("a".equals(model(r)) && aDown[0]) {
        return status(503, "{\"error\":\"model a is down\"}").answer(r, s, out);
      }
      return answersWithItsModel("primary").answer(r, s, out);
    }, answersWithItsModel("backup"), GATEWAY);
    String chatA = CHAT.replace("\"big\"", "\"a\"");

    String[] r = rig.chat(chatA);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/b");
    assertThat(rig.primary.drain()).extracting(RoutesProxyTest::model)
        .containsExactly("a", "a", "b");
    Outages.Snapshot out = rig.outage();
    assertThat(out.target()).isEqualTo("primary/a");
    // the first probe: one period after the outage began, with up to 10% jitter
    assertThat(out.nextCheckIn()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
    assertThat(rig.proxy.registry().pool("primary").snapshot()).as("keys not charged")
        .allSatisfy(t -> assertThat(t.state().name()).isEqualTo("HEALTHY"));

    // still down: the probe (model a) fails, the next one is scheduled a period later
    rig.clock.advance(out.nextCheckIn());
    FaultUpstream.Request probe = rig.primary.take();
    assertThat(isProbe(probe)).isTrue();
    assertThat(model(probe)).as("probed with the target's model, not the pool's").isEqualTo("a");
    Duration next = rig.awaitNextProbe();
    assertThat(next).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
    r = rig.chat(chatA);
    assertThat(header(r[0], "x-failover-target")).as("still in outage").isEqualTo("primary/b");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("1");
    assertThat(rig.primary.drain()).extracting(RoutesProxyTest::model).containsExactly("b");

    aDown[0] = false; // the model recovers: within one probe period, traffic is back
    rig.clock.advance(next);
    probe = rig.primary.take();
    assertThat(isProbe(probe)).isTrue();
    assertThat(model(probe)).isEqualTo("a");
    assertThat(probe.header("authorization")).isIn("Bearer " + P1, "Bearer " + P2);
    RoutesRig.awaitTrue(() -> rig.outage() == null, "the outage ended by the probe");
    r = rig.chat(chatA);
    assertThat(r[0]).startsWith("HTTP/1.1 200");
    assertThat(header(r[0], "x-failover-target")).isEqualTo("primary/a");
    assertThat(header(r[0], "x-failover-attempts")).isEqualTo("1");
    assertThat(r[1]).contains("\"model\":\"a\"");
    List<FaultUpstream.Request> after = rig.primary.drain();
    assertThat(after).extracting(RoutesProxyTest::model).containsExactly("a");
    assertThat(after).noneMatch(OutageProbeProxyTest::isProbe);
    assertThat(rig.backup.drain()).isEmpty();
  }
}
