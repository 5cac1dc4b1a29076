package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.RoutesProxyTest.B1;
import static io.github.failover4j.proxy.RoutesProxyTest.CHAT;
import static io.github.failover4j.proxy.RoutesProxyTest.P1;
import static io.github.failover4j.proxy.RoutesProxyTest.P2;
import static io.github.failover4j.proxy.RoutesProxyTest.answersWithItsModel;
import static io.github.failover4j.proxy.RoutesProxyTest.header;
import static io.github.failover4j.proxy.RoutesProxyTest.model;
import static io.github.failover4j.proxy.RoutesProxyTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's done-when run, end to end through the proxy against two loopback fake providers:
 * the primary's model, phase by phase, answers {@code 429} for every key, {@code 503} for every
 * key, never answers, answers {@code 400 context_length_exceeded}, and goes down for a minute
 * and comes back, while a healthy fallback (another provider, another model) stands by, under
 * a route {@code budget}. Engine time and the proxy's timers run on a {@link
 * io.github.failover4j.test.ManualClock}. Every request of every phase must be served (by the
 * fallback, or by the primary when it is healthy) within the budget, with the number of
 * attempts and keys the rules say: no second key of a silent provider, no retry of the model
 * after {@code action: fallback}, the model's failures not charged to its keys, and the return
 * to the primary within one probe period of its recovery. Prints one summary line per phase
 * (also written to {@code target/fallback-fault-run.txt}).
 */
class FallbackFaultRunTest {
  enum Mode { HEALTHY, RATE_LIMITED, UNAVAILABLE, SILENT, CONTEXT_TOO_LONG }

  static final Duration BUDGET = Duration.ofSeconds(5);
  static final Duration RESPONSE = Duration.ofSeconds(2);
  static final Duration PROBE_PERIOD = Duration.ofSeconds(10);
  /** A probe is due one period after the last, with up to 10% jitter. */
  static final Duration PROBE_PERIOD_MAX = Duration.ofSeconds(11);
  static final String PRIMARY = "primary/big";
  static final String BACKUP = "backup/backup-model";
  static final String PROBE_PROMPT = OutageProbeProxyTest.PROBE_PROMPT;
  static final String GATEWAY = """
      providers:
        - name: primary
          upstream: {primary}
          apiTokens: [%s, %s]
          timeouts: {response: %ds}
      %s
          healthCheck:
            period: %ds
            timeout: 5s
            content: "%s"
            model: gpt-4o-mini
            conditions: [{status_code: [200]}]
        - name: backup
          upstream: {backup}
          pathPrefix: /backup
          apiTokens: [%s]
          timeouts: {response: 10s}
      routes:
        - model: big
          targets: [{provider: primary}, {provider: backup, model: backup-model}]
          budget: %ds
      """.formatted(P1, P2, RESPONSE.toSeconds(), RoutesProxyTest.RULES.indent(4).stripTrailing(),
      PROBE_PERIOD.toSeconds(), PROBE_PROMPT, B1, BUDGET.toSeconds());

  /**
   * What one request got.
   *
   * @param status the client's status
   * @param target {@code x-failover-target}
   * @param attempts {@code x-failover-attempts}
   * @param toPrimary the requests the primary received for it (probes not included)
   * @param toBackup how many requests the backup received for it
   * @param waited engine time from sending to the answer
   */
  record Served(int status, String target, int attempts, List<FaultUpstream.Request> toPrimary,
      int toBackup, Duration waited) {
    long keysTried() {
      return toPrimary.stream().map(r -> r.header("authorization")).distinct().count();
    }
  }

  volatile Mode mode = Mode.HEALTHY;
  @AutoClose
  RoutesRig rig;
  final List<String> report = new ArrayList<>();
  /** Every outage probe the primary received. */
  final List<FaultUpstream.Request> probes = new ArrayList<>();

  /** The primary: its answer (probes included) depends on the phase. */
  FaultUpstream.Script primary() {
    return (r, s, out) -> switch (mode) {
      case HEALTHY -> answersWithItsModel("primary").answer(r, s, out);
      case RATE_LIMITED -> status(429, "{\"error\":{\"code\":\"rate_limit_exceeded\"}}")
          .answer(r, s, out);
      case UNAVAILABLE -> status(503, "{\"error\":{\"message\":\"overloaded\"}}")
          .answer(r, s, out);
      case SILENT -> rig.primary.hang().answer(r, s, out);
      case CONTEXT_TOO_LONG -> status(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}")
          .answer(r, s, out);
    };
  }

  /** One chat completion for model {@code big}; a silent primary's timeout is let run out. */
  Served one() throws IOException, InterruptedException {
    long start = rig.clock.nanoTime();
    Socket c = rig.send(CHAT);
    List<FaultUpstream.Request> toPrimary = new ArrayList<>();
    if (mode == Mode.SILENT) {
      toPrimary.add(rig.primary.take());
      rig.awaitDue(RESPONSE);
      rig.clock.advance(RESPONSE);
    }
    String[] r = RoutesRig.read(c);
    toPrimary.addAll(rig.primary.drain());
    toPrimary.stream().filter(OutageProbeProxyTest::isProbe).forEach(probes::add);
    toPrimary.removeIf(OutageProbeProxyTest::isProbe);
    String attempts = header(r[0], "x-failover-attempts");
    return new Served(Integer.parseInt(r[0].split(" ")[1]), header(r[0], "x-failover-target"),
        attempts == null ? 0 : Integer.parseInt(attempts), toPrimary, rig.backup.drain().size(),
        Duration.ofNanos(rig.clock.nanoTime() - start));
  }

  List<Served> requests(int n) throws IOException, InterruptedException {
    List<Served> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(one());
    }
    return out;
  }

  /** Moves engine time on by {@code d}, then waits until no outage probe is in flight. */
  void advance(Duration d) {
    rig.clock.advance(d);
    rig.awaitNextProbe();
    List<FaultUpstream.Request> got = rig.primary.drain();
    assertThat(got).as("nothing but probes while time moves")
        .allMatch(OutageProbeProxyTest::isProbe);
    probes.addAll(got);
  }

  /** Asserts what every request gets, whatever the phase: 200 within the budget. */
  static void servedWithinBudget(List<Served> served) {
    assertThat(served).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.waited()).isLessThanOrEqualTo(BUDGET);
    });
  }

  /** Asserts one request: served by {@code target}, after this many attempts and calls. */
  static void expect(Served s, String target, int attempts, int primaryCalls, int backupCalls) {
    assertThat(s.target()).isEqualTo(target);
    assertThat(s.attempts()).isEqualTo(attempts);
    assertThat(s.toPrimary()).hasSize(primaryCalls);
    assertThat(s.toBackup()).isEqualTo(backupCalls);
  }

  /**
   * A model failing for every key: the first request tries both keys (two attempts on the
   * primary, then the fallback) and puts the model in outage; the others skip it.
   */
  static void failingForEveryKey(List<Served> served) {
    expect(served.get(0), BACKUP, 3, 2, 1);
    assertThat(served.get(0).keysTried()).as("both keys tried, once each").isEqualTo(2);
    served.subList(1, served.size()).forEach(s -> expect(s, BACKUP, 1, 0, 1));
  }

  /**
   * The model recovers: the next probe (within one period) asks for the model {@code big} and
   * passes, and the next request is the primary's again.
   */
  void recoverThroughTheProbe(String phase) throws Exception {
    mode = Mode.HEALTHY;
    Duration toProbe = rig.awaitNextProbe();
    assertThat(toProbe).as(phase + ": in outage until the probe").isNotNull()
        .isLessThanOrEqualTo(PROBE_PERIOD_MAX);
    rig.clock.advance(toProbe);
    FaultUpstream.Request probe = rig.primary.take();
    assertThat(OutageProbeProxyTest.isProbe(probe)).isTrue();
    assertThat(model(probe)).as("probed with the target's model").isEqualTo("big");
    probes.add(probe);
    RoutesRig.awaitTrue(() -> rig.outage() == null, phase + ": the outage ended by the probe");
    Served back = one();
    expect(back, PRIMARY, 1, 1, 0);
    summary(phase + ", then recovered", List.of(back), "back on the primary "
        + seconds(toProbe) + " after its recovery (the next probe)");
  }

  void summary(String phase, List<Served> served, String note) {
    Map<String, Long> byTarget = served.stream().collect(Collectors.groupingBy(
        s -> s.target() == null ? "the proxy (" + s.status() + ")" : s.target(), TreeMap::new,
        Collectors.counting()));
    Map<Integer, Long> byStatus = served.stream().collect(Collectors.groupingBy(Served::status,
        TreeMap::new, Collectors.counting()));
    String line = String.format("fault run | %-38s | %2d request%s | status %s | served by %s"
            + " | primary calls %d (keys %d) | backup calls %d | longest wait %s of %s budget%s",
        phase, served.size(), served.size() == 1 ? " " : "s", byStatus, byTarget,
        served.stream().mapToInt(s -> s.toPrimary().size()).sum(),
        served.stream().flatMap(s -> s.toPrimary().stream()).map(r -> r.header("authorization"))
            .distinct().count(),
        served.stream().mapToInt(Served::toBackup).sum(),
        seconds(served.stream().map(Served::waited).max(Duration::compareTo)
            .orElse(Duration.ZERO)), seconds(BUDGET), note.isEmpty() ? "" : " | " + note);
    report.add(line);
    System.out.println(line);
  }

  static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  @Test
  void everyRequestAFallbackCouldServeIsServedWithinItsBudget() throws Exception {
    rig = new RoutesRig(primary(), answersWithItsModel("backup"), GATEWAY);

    List<Served> healthy = requests(3);
    servedWithinBudget(healthy);
    healthy.forEach(s -> expect(s, PRIMARY, 1, 1, 0));
    summary("primary healthy", healthy, "");

    mode = Mode.RATE_LIMITED;
    List<Served> limited = requests(5);
    servedWithinBudget(limited);
    failingForEveryKey(limited);
    assertThat(rig.outage().target()).isEqualTo(PRIMARY);
    summary("429 for every key", limited, "primary/big in outage after the first request");
    recoverThroughTheProbe("429 for every key");

    mode = Mode.UNAVAILABLE;
    List<Served> unavailable = requests(5);
    servedWithinBudget(unavailable);
    failingForEveryKey(unavailable);
    summary("503 for every key", unavailable, "primary/big in outage after the first request");
    recoverThroughTheProbe("503 for every key");

    mode = Mode.SILENT;
    List<Served> silent = requests(4);
    servedWithinBudget(silent);
    silent.forEach(s -> {
      expect(s, BACKUP, 2, 1, 1); // the next target at once: never a second key
      assertThat(s.waited()).isEqualTo(RESPONSE);
    });
    assertThat(rig.outage()).as("one key tried per request: no outage").isNull();
    summary("never answers (response timeout " + RESPONSE.toSeconds() + " s)", silent,
        "each falls back after the timeout, one key tried");

    mode = Mode.CONTEXT_TOO_LONG;
    List<Served> tooLong = requests(4);
    servedWithinBudget(tooLong);
    tooLong.forEach(s -> expect(s, BACKUP, 2, 1, 1)); // action: fallback: no retry of the model
    summary("400 context_length_exceeded", tooLong, "action: fallback, the model not retried");

    mode = Mode.UNAVAILABLE; // down for a minute: a request every 5 s, time in 1 s steps
    List<Served> down = new ArrayList<>();
    Duration since = rig.now();
    int probesBefore = probes.size();
    for (int second = 0; second < 60; second++) {
      if (second % 5 == 0) {
        down.add(one());
      }
      advance(Duration.ofSeconds(1));
    }
    servedWithinBudget(down);
    failingForEveryKey(down);
    assertThat(rig.now().minus(since)).isEqualTo(Duration.ofMinutes(1));
    assertThat(probes.subList(probesBefore, probes.size())).as("probed every period or so")
        .hasSizeBetween(5, 6).allSatisfy(p -> assertThat(model(p)).isEqualTo("big"));
    summary("down for a minute (503)", down, (probes.size() - probesBefore)
        + " probes of model big failed meanwhile; the keys stayed in rotation");

    mode = Mode.HEALTHY; // back: requests keep coming every 5 s until the primary serves them
    Duration recovered = rig.now();
    Duration ended = null;
    List<Served> back = new ArrayList<>();
    for (int second = 0; ended == null || !back.get(back.size() - 1).target().equals(PRIMARY);
        second++) {
      assertThat(second).as("back on the primary within a probe period").isLessThan(20);
      if (second % 5 == 0) {
        back.add(one());
      }
      advance(Duration.ofSeconds(1));
      if (ended == null && rig.outage() == null) {
        ended = rig.now().minus(recovered);
      }
    }
    servedWithinBudget(back);
    assertThat(ended).as("the outage ended within one probe period of the recovery (1 s steps)")
        .isLessThanOrEqualTo(PROBE_PERIOD_MAX.plusSeconds(1));
    back.subList(0, back.size() - 1).forEach(s -> expect(s, BACKUP, 1, 0, 1));
    expect(back.get(back.size() - 1), PRIMARY, 1, 1, 0);
    summary("down a minute, then recovered", back, "outage ended " + seconds(ended)
        + " after the recovery; the next request went to the primary");

    List<Served> after = requests(3);
    servedWithinBudget(after);
    after.forEach(s -> expect(s, PRIMARY, 1, 1, 0));
    summary("primary healthy again", after, "");
    assertThat(rig.proxy.registry().pool("primary").snapshot())
        .as("the model's faults were not charged to its keys")
        .allSatisfy(t -> assertThat(t.state().name()).isEqualTo("HEALTHY"));

    // nothing can serve: the budget, not the targets' timeouts, bounds the wait
    mode = Mode.SILENT;
    rig.backup.script(rig.backup.hang());
    long start = rig.clock.nanoTime();
    Socket c = rig.send(CHAT);
    FaultUpstream.Request toPrimary = rig.primary.take();
    rig.awaitDue(RESPONSE);
    rig.clock.advance(RESPONSE);
    rig.backup.take();
    Duration left = BUDGET.minus(RESPONSE);
    rig.awaitDue(left); // the budget, before the backup's 10 s response timeout
    rig.clock.advance(left);
    String[] r = RoutesRig.read(c);
    Served none = new Served(Integer.parseInt(r[0].split(" ")[1]), null, 2, List.of(toPrimary),
        1, Duration.ofNanos(rig.clock.nanoTime() - start));
    assertThat(none.status()).isEqualTo(504);
    assertThat(none.waited()).isEqualTo(BUDGET);
    assertThat(rig.primary.drain()).isEmpty();
    assertThat(rig.backup.drain()).isEmpty();
    summary("primary and fallback both silent", List.of(none),
        "the proxy's 504 when the budget ran out");

    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "fallback-fault-run.txt"), report);
  }
}
