package io.github.failover4j.proxy;

import io.github.failover4j.core.Outages;
import io.github.failover4j.core.TokenSnapshot;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's terminal view: the route's targets (which is in outage, which served the requests
 * since the last view) and a table of every provider's tokens, redrawn in place on a terminal,
 * or plain snapshots one after another when the output is not a terminal (CI, a pipe).
 */
final class DemoView {
  private static final String CLEAR = "\033[H\033[2J";
  private static final int EVENTS_SHOWN = 8;

  /** What the demo's clients got, counted as the answers come back. */
  static final class Traffic {
    final AtomicInteger sent = new AtomicInteger();
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    /** Answers by the route target that served them ({@code x-failover-target}). */
    final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();
    final LongAdder streamed = new LongAdder();
    final LongAdder errors = new LongAdder();

    long answered() {
      return statuses.values().stream().mapToLong(LongAdder::sum).sum();
    }
  }

  private final PrintStream out;
  private final boolean console;
  private final long start = System.nanoTime();
  private final List<String> events = new ArrayList<>();
  private final Map<String, Long> servedShown = new HashMap<>();
  private String header = "";
  private String routeModel = "";
  private List<String> routeTargets = List.of();

  DemoView(PrintStream out, boolean console) {
    this.out = out;
    this.console = console;
  }

  private String clock() {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return String.format("%5.1fs", ms / 1000.0);
  }

  /**
   * @param model the model the route takes
   * @param targets its targets' names ({@code provider/model}), in order
   */
  void header(InetSocketAddress proxy, URI chat, String model, List<String> targets) {
    routeModel = model;
    routeTargets = List.copyOf(targets);
    header = "failover4j demo: proxy on http://127.0.0.1:" + proxy.getPort()
        + " in front of two simulated providers\n"
        + "traffic: 10 chat completions/s for model " + model + " to " + chat.getPath()
        + " (every 10th streamed)\n"
        + "route " + model + ": " + String.join(" -> ", targets)
        + "; retries on another token: 2\n"
        + "what you will see: soon after traffic starts one token runs out of quota (429) and\n"
        + "  later another is suspended (403); the proxy retries their requests on the other\n"
        + "  tokens, ejects them, probes them every few seconds and restores them when the\n"
        + "  trouble ends. Then the model goes down at the first provider for every token\n"
        + "  (503): the target goes into outage (its tokens are not blamed), the fallback\n"
        + "  target serves, a probe of the model every few seconds brings traffic back when\n"
        + "  it recovers. The client line shows what the callers get: every request answered.\n"
        + "live state as JSON meanwhile: curl http://127.0.0.1:" + proxy.getPort()
        + "/_failover/status\n";
    if (!console) {
      out.print(header);
    }
  }

  /** Records one event line; printed at once without a terminal. */
  synchronized void event(String line) {
    String stamped = clock() + "  " + line;
    events.add(stamped);
    if (!console) {
      out.println("event " + stamped);
    }
  }

  /**
   * Draws one view.
   *
   * @param tokens every provider's tokens, by provider
   * @param outages the targets in outage now
   */
  synchronized void render(Map<String, List<TokenSnapshot>> tokens,
      List<Outages.Snapshot> outages, Traffic traffic) {
    StringBuilder sb = new StringBuilder();
    if (console) {
      sb.append(CLEAR).append(header).append('\n');
    }
    long errors = traffic.errors.sum();
    sb.append("--- ").append(clock()).append("  client view: ").append(traffic.sent.get())
        .append(" sent, answered ").append(answered(traffic.statuses)).append(errors > 0
            ? ", without answer " + errors : "").append('\n');
    sb.append("  route ").append(routeModel).append(':');
    for (String t : routeTargets) {
      sb.append("  ").append(t).append(' ').append(targetState(t, outages));
    }
    sb.append('\n').append("  served since the last view: ").append(servedSinceShown(traffic))
        .append('\n');
    sb.append(String.format("  %-10s %-12s %-9s %7s %11s %9s %9s %10s %7s%n", "provider",
        "token", "state", "fails", "next probe", "requests", "failures", "ejections", "probes"));
    tokens.forEach((provider, list) -> {
      for (TokenSnapshot t : list) {
        sb.append(String.format("  %-10s %-12s %-9s %7d %11s %9d %9d %10d %7d%n", provider,
            t.id(), t.state(), t.consecutiveFailures(), seconds(t.nextProbeIn()), t.requests(),
            t.failures(), t.ejections(), t.probes()));
      }
    });
    if (console) {
      sb.append("\nrecent events:\n");
      for (String e : events.subList(Math.max(0, events.size() - EVENTS_SHOWN), events.size())) {
        sb.append("  ").append(e).append('\n');
      }
    }
    out.print(sb);
    out.flush();
  }

  private static String targetState(String target, List<Outages.Snapshot> outages) {
    for (Outages.Snapshot s : outages) {
      if (s.target().equals(target)) {
        return "[OUTAGE for " + seconds(s.outFor()) + ", next probe in "
            + seconds(s.nextCheckIn()) + "]";
      }
    }
    return "[serving]";
  }

  /** The answers each target served since the last view, e.g. {@code backup/m 29}. */
  private String servedSinceShown(Traffic traffic) {
    Map<String, Long> now = new TreeMap<>();
    traffic.servedBy.forEach((t, n) -> now.put(t, n.sum()));
    StringBuilder sb = new StringBuilder();
    now.forEach((t, n) -> {
      long delta = n - servedShown.getOrDefault(t, 0L);
      if (delta > 0) {
        sb.append(sb.length() > 0 ? ", " : "").append(t).append(' ').append(delta);
      }
    });
    servedShown.putAll(now);
    return sb.length() == 0 ? "none" : sb.toString();
  }

  synchronized void summary(Map<String, List<TokenSnapshot>> tokens, Traffic traffic) {
    List<TokenSnapshot> all = tokens.values().stream().flatMap(List::stream).toList();
    long ejections = all.stream().mapToLong(TokenSnapshot::ejections).sum();
    long restores = events.stream().filter(e -> e.contains(" restored")).count();
    long failuresSeen = all.stream().mapToLong(TokenSnapshot::failures).sum();
    Map<String, Long> served = new TreeMap<>();
    traffic.servedBy.forEach((t, n) -> served.put(t, n.sum()));
    long errors = traffic.errors.sum();
    out.println();
    out.println("=== demo summary ===");
    out.println("requests sent:          " + traffic.sent.get());
    out.println("client saw, by status:  " + answered(traffic.statuses) + (errors > 0
        ? " (+" + errors + " without answer)" : ""));
    out.println("served by target:       " + served.toString().replace("=", ": "));
    out.println("streams completed:      " + traffic.streamed.sum());
    out.println("token failures absorbed " + failuresSeen + " (retried on another token)");
    out.println("ejections: " + ejections + ", restores: " + restores);
    out.println("target outages: " + events.stream().filter(e -> e.contains(" outage entered"))
        .count() + " entered, " + events.stream().filter(e -> e.contains(" outage ended"))
        .count() + " ended");
    out.println("demo finished");
    out.println("next: run it in front of your provider with "
        + "java -jar failover-proxy.jar --config gateway.yaml (see docs/proxy.md)");
    out.flush();
  }

  private static String answered(Map<Integer, LongAdder> statuses) {
    Map<Integer, Long> sorted = new TreeMap<>();
    statuses.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted.isEmpty() ? "none yet" : sorted.toString().replace("=", ": ");
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : String.format("%.1fs", d.toMillis() / 1000.0);
  }
}
