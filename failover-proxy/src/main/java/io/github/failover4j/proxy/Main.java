package io.github.failover4j.proxy;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.TokenPool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code java -jar failover-proxy.jar}: the failover proxy, or with no arguments a demo of it.
 * Exit codes: 0 after a clean run or shutdown, 2 for invalid arguments or configuration
 * (every problem listed, before anything listens), 1 when the proxy cannot start. Unless the
 * launch chose its own heap, the proxy runs in a child JVM with a bounded heap ({@link
 * Relaunch}).
 */
public final class Main {
  /** How long a SIGTERM lets requests in flight finish. */
  static final Duration GRACE = FailoverProxy.DEFAULT_GRACE;

  /**
   * Kept so the JUL configuration below is not garbage-collected away; set on the way to a
   * proxy, not in a parent that only waits for its child.
   */
  private static Logger coreLog;

  private Main() {}

  /** Runs the proxy; on SIGTERM stops accepting, finishes in-flight requests and exits 0. */
  public static void main(String[] args) {
    Optional<Integer> child = Relaunch.parent(args);
    if (child.isPresent()) {
      System.exit(child.get());
    }
    if (Relaunch.isChild()) {
      Relaunch.listenToParent();
    }
    SignalStop stop = SignalStop.install(System.out);
    int code = run(args, System.out, System.err, stop);
    if (stop != null) {
      stop.exiting();
    }
    System.exit(code);
  }

  /**
   * Runs as {@link #main} does, without installing a shutdown hook or exiting: returns the
   * exit code. The proxy itself runs until its {@link FailoverProxy#terminated()} completes.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, null);
  }

  /** @param stop stops the proxy on a signal; null to leave signals alone */
  static int run(String[] args, PrintStream out, PrintStream err, SignalStop stop) {
    try {
      return runChecked(args, out, err, stop);
    } finally {
      if (stop != null) {
        stop.notStarted(); // no-op once started; else a signal need not wait for a proxy
      }
    }
  }

  private static int runChecked(String[] args, PrintStream out, PrintStream err,
      SignalStop stop) {
    // The proxy prints its own line per token event; the engine's log would repeat it.
    coreLog = Logger.getLogger(TokenPool.class.getName());
    coreLog.setLevel(Level.WARNING);
    Arguments a = Arguments.parse(args);
    if (a.help()) {
      out.print(Arguments.USAGE);
      return 0;
    }
    if (a.version()) { // ---- ops hook: --version
      out.println("failover-proxy " + Version.get());
      return 0;
    }
    if (a.demo()) {
      if (stop != null) {
        stop.notStarted(); // the demo stops by itself; a signal just ends it
      }
      return Demo.run(out, err);
    }
    if (!a.problems().isEmpty()) {
      return invalid(err, a.problems());
    }
    GatewayConfig config;
    try {
      config = GatewayConfig.load(a.config());
    } catch (NoSuchFileException e) {
      return invalid(err, List.of("--config: " + a.config() + " does not exist"));
    } catch (IOException e) {
      return invalid(err, List.of("--config: cannot read " + a.config() + ": "
          + FailoverProxy.describe(e)));
    } catch (ConfigException e) {
      return invalid(err, e.problems());
    } catch (UnsupportedOperationException e) {
      return invalid(err, List.of("--config: this build has no configuration parser yet"));
    }
    List<String> problems = check(config, a.listen());
    if (!problems.isEmpty()) {
      return invalid(err, problems);
    }
    // ---- ops hooks: no open relay on a public address; --check; start-up warnings
    String exposure = Checks.exposure(config, Listen.parse(a.listen() != null ? a.listen()
        : config.listen() != null ? config.listen() : Checks.DEFAULT_LISTEN));
    if (exposure != null) {
      err.println("failover-proxy: " + exposure);
      return 2;
    }
    if (a.check()) {
      Checks.warnings(config).forEach(w -> out.println("failover-proxy: warning: " + w));
      out.println("failover-proxy: " + a.config() + " is valid: " + config.providers().size()
          + " providers, " + config.providers().stream().mapToInt(p -> p.tokens().size()).sum()
          + " tokens, " + config.service().clients().names().size() + " client keys");
      return 0;
    }
    // ----
    return serve(config, a.config(), a.listen(), out, err, stop);
  }

  /** What the proxy needs beyond what the config parser checks. */
  private static List<String> check(GatewayConfig config, String listen) {
    List<String> problems = new ArrayList<>();
    if (listen == null && config.listen() != null) {
      try {
        Listen.parse(config.listen());
      } catch (IllegalArgumentException e) {
        problems.add("listen: " + e.getMessage());
      }
    }
    problems.addAll(Checks.problems(config));
    return problems;
  }

  private static int serve(GatewayConfig config, Path file, String listen, PrintStream out,
      PrintStream err, SignalStop stop) {
    warmUpLogging();
    Preload.proxyClasses();
    FailoverProxy proxy;
    try {
      FailoverProxy.Builder b = FailoverProxy.builder(config)
          .listener(new EventLog(line -> out.println("failover: " + line)))
          // ---- ops hook: reload from the file, operator messages, access log lines
          .configFile(file)
          .operatorLog(line -> out.println("failover-proxy: " + line))
          .accessLog(out::println);
      if (listen != null) {
        b.listen(Listen.parse(listen));
      }
      proxy = b.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      err.println("failover-proxy: cannot start: " + FailoverProxy.describe(e));
      return 1;
    }
    if (stop != null) {
      stop.started(proxy);
    }
    InetSocketAddress at = proxy.address();
    out.println("failover-proxy listening on http://" + at.getHostString() + ":" + at.getPort());
    for (Route r : proxy.routes()) {
      int tokens = r.pool().snapshot().size();
      out.println("  " + r.prefix() + " -> " + r.provider().upstream() + " (provider "
          + r.pool().name() + ", " + tokens + (tokens == 1 ? " token)" : " tokens)"));
    }
    if (proxy.fleet().on()) { // fleet hook
      out.println("  " + proxy.fleet().describe());
    }
    out.println("  " + memory());
    out.println("  GET /_failover/ shows every token (status page; JSON at /_failover/status)");
    Checks.warnings(config).forEach(w -> out.println("failover-proxy: warning: " + w));
    // ---- ops hook: reload on a change of the file and, in the real process, on SIGHUP
    try {
      proxy.service().reloader().watch(Reloader.DEBOUNCE);
    } catch (IOException e) {
      err.println("failover-proxy: warning: cannot watch " + file + " for changes (" + e
          + "); reload with SIGHUP or POST /_failover/reload");
    }
    if (stop != null) {
      try {
        proxy.service().reloader().reloadOnSighup();
        Relaunch.onHup(() -> proxy.service().reloader().reload("SIGHUP")); // from a parent
      } catch (IllegalArgumentException | UnsupportedOperationException e) { // e.g. java -Xrs
        err.println("failover-proxy: warning: no reload on SIGHUP here (" + e.getMessage()
            + "); reload with POST /_failover/reload or by changing the file");
      }
    }
    proxy.terminated().join();
    return 0;
  }

  /** The banner's memory line: the heap this JVM may grow to, and who chose it. */
  static String memory() {
    long mb = Runtime.getRuntime().maxMemory() >> 20;
    return "memory: max heap " + mb + " MB" + (Relaunch.isChild()
        ? " (failover-proxy's bounded default; " + Relaunch.OPT_OUT + "=0 or your own -Xmx "
            + "runs as launched)"
        : " (as launched)");
  }

  /**
   * Formats one log record now, so what logging loads lazily (time-zone data, formatter
   * classes) is loaded while file descriptors are plenty: a first log line written when they
   * ran out must not fail for want of one.
   */
  private static void warmUpLogging() {
    try {
      new java.util.logging.SimpleFormatter().format(new java.util.logging.LogRecord(
          Level.INFO, "warm-up"));
      java.time.ZonedDateTime.now().toString();
    } catch (RuntimeException ignored) {
      // only a warm-up
    }
  }

  private static int invalid(PrintStream err, List<String> problems) {
    err.println("failover-proxy: " + (problems.size() == 1 ? "1 problem"
        : problems.size() + " problems") + ":");
    for (String p : problems) {
      err.println("  " + p);
    }
    err.println("run with --help for usage");
    return 2;
  }
}
