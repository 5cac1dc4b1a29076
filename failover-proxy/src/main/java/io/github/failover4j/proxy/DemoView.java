package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenSnapshot;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's terminal view: a table of the tokens redrawn in place on a terminal, or plain
 * snapshots one after another when the output is not a terminal (CI, a pipe).
 */
final class DemoView {
  private static final String CLEAR = "\033[H\033[2J";
  private static final int EVENTS_SHOWN = 8;

  private final PrintStream out;
  private final boolean console;
  private final long start = System.nanoTime();
  private final List<String> events = new ArrayList<>();
  private String header = "";

  DemoView(PrintStream out, boolean console) {
    this.out = out;
    this.console = console;
  }

  private String clock() {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return String.format("%5.1fs", ms / 1000.0);
  }

  void header(InetSocketAddress proxy, URI chat) {
    header = "failover4j demo: proxy on http://127.0.0.1:" + proxy.getPort()
        + " in front of a simulated provider with 4 tokens\n"
        + "traffic: 10 chat completions/s to " + chat.getPath()
        + " (every 10th streamed); retries on another token: 2\n"
        + "what you will see: soon after traffic starts one token runs out of quota (429) and\n"
        + "  later another is suspended (403); the proxy retries their requests on the other\n"
        + "  tokens, ejects them, probes them every few seconds and restores them when the\n"
        + "  trouble ends. The client line shows what the callers get: every request answered.\n"
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

  synchronized void render(List<TokenSnapshot> tokens, int sent, Map<Integer, LongAdder> statuses,
      long errors) {
    StringBuilder sb = new StringBuilder();
    if (console) {
      sb.append(CLEAR).append(header).append('\n');
    }
    sb.append("--- ").append(clock()).append("  client view: ").append(sent)
        .append(" sent, answered ").append(answered(statuses)).append(errors > 0
            ? ", without answer " + errors : "").append('\n');
    sb.append(String.format("  %-12s %-9s %7s %11s %9s %9s %10s %7s%n", "token", "state",
        "fails", "next probe", "requests", "failures", "ejections", "probes"));
    for (TokenSnapshot t : tokens) {
      sb.append(String.format("  %-12s %-9s %7d %11s %9d %9d %10d %7d%n", t.id(), t.state(),
          t.consecutiveFailures(), seconds(t.nextProbeIn()), t.requests(), t.failures(),
          t.ejections(), t.probes()));
    }
    if (console) {
      sb.append("\nrecent events:\n");
      for (String e : events.subList(Math.max(0, events.size() - EVENTS_SHOWN), events.size())) {
        sb.append("  ").append(e).append('\n');
      }
    }
    out.print(sb);
    out.flush();
  }

  synchronized void summary(List<TokenSnapshot> tokens, int sent,
      Map<Integer, LongAdder> statuses, long streamed, long errors) {
    long ejections = tokens.stream().mapToLong(TokenSnapshot::ejections).sum();
    long restores = events.stream().filter(e -> e.contains(" restored")).count();
    long failuresSeen = tokens.stream().mapToLong(TokenSnapshot::failures).sum();
    out.println();
    out.println("=== demo summary ===");
    out.println("requests sent:          " + sent);
    out.println("client saw, by status:  " + answered(statuses) + (errors > 0
        ? " (+" + errors + " without answer)" : ""));
    out.println("streams completed:      " + streamed);
    out.println("token failures absorbed " + failuresSeen + " (retried on another token)");
    out.println("ejections: " + ejections + ", restores: " + restores);
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
