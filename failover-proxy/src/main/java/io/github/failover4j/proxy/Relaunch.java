package io.github.failover4j.proxy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Memory by default (issue 14): {@code java -jar failover-proxy.jar} runs the proxy in a child
 * JVM started with the distribution's {@code jvm.options} (a 128 MB heap, the serial
 * collector), so that a plain launch does not size the heap for the machine (a quarter of its
 * memory). A manifest cannot set {@code -Xmx}, and a running JVM cannot bound its own heap:
 * hence one re-launch, of the same {@code java}, class path or jar, JVM options and arguments.
 *
 * <p>It runs as launched instead when the launch chose its memory itself (a heap, GC or
 * direct-memory option, an options file, or an agent, in the command line, {@code
 * JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS}), when {@code FAILOVER_PROXY_RELAUNCH=0}, for
 * {@code --help}, {@code --version}, {@code --check} and invalid arguments, and in the child.
 *
 * <p>The parent stays the process the operator started and does nothing but wait: the child
 * inherits its standard output and error; SIGTERM or SIGINT on the parent stops the child
 * (which drains as usual) and the parent exits with the child's code; SIGHUP is passed on as a
 * line on the child's standard input (Java cannot send a signal). The child reads that pipe: its
 * end means the parent is gone (killed outright), and the child halts too rather than outlive
 * it.
 */
final class Relaunch {
  /** System property that marks the re-launched child. */
  static final String CHILD = "failover.proxy.relaunched";
  /** Environment variable: {@code 0} (or {@code false}) runs the proxy as launched. */
  static final String OPT_OUT = "FAILOVER_PROXY_RELAUNCH";
  /** The classpath resource holding the JVM options, the launcher script's argfile. */
  static final String OPTIONS = "jvm.options";
  /** System property telling the child that the parent's output is a terminal. */
  static final String CONSOLE = "failover.proxy.console";
  /** The line that passes a SIGHUP on to the child. */
  static final String HUP = "HUP";

  /** Options by which a launch chooses its own memory (or is being instrumented). */
  private static final Pattern OWN_CHOICE = Pattern.compile("-Xm[xsn].*"
      + "|-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize|NewSize|MaxNewSize|MaxRAM"
      + "|MaxRAMPercentage|MaxRAMFraction|MinRAMPercentage|MinRAMFraction|InitialRAMPercentage"
      + "|InitialRAMFraction|MaxDirectMemorySize|Flags|VMOptionsFile)=.*"
      + "|-XX:[+-]Use\\w*GC|-(agentlib|agentpath|javaagent):.*");

  /** In the child: what a SIGHUP passed on by the parent does (set once the proxy is up). */
  private static volatile Runnable onHup;

  private final Object lock = new Object();
  private Process child; // guarded by lock
  private boolean done; // guarded by lock: the parent's exit is decided, the hook keeps out

  private Relaunch() {}

  /**
   * Whether the proxy's output goes to a terminal (the demo then redraws one live view): this
   * JVM's console, or, in the child, the parent's.
   */
  static boolean onTerminal() {
    return System.console() != null || Boolean.getBoolean(CONSOLE);
  }

  /** Whether this JVM is the re-launched child. */
  static boolean isChild() {
    return Boolean.getBoolean(CHILD);
  }

  /**
   * Whether a launch with these arguments, JVM input arguments and environment should
   * re-launch itself in a bounded heap.
   */
  static boolean wanted(Arguments a, List<String> jvmArgs, Map<String, String> env) {
    if (a.help() || a.version() || a.check() || !a.problems().isEmpty()) {
      return false; // nothing long-lived to bound
    }
    String optOut = env.get(OPT_OUT);
    if (optOut != null && (optOut.equals("0") || optOut.equalsIgnoreCase("false"))) {
      return false;
    }
    List<String> all = new ArrayList<>(jvmArgs);
    for (String var : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      all.addAll(words(env.getOrDefault(var, "")));
    }
    return all.stream().noneMatch(o -> OWN_CHOICE.matcher(o).matches());
  }

  /**
   * The child's command line: the same {@code java}, the default options, then this JVM's own
   * input arguments, the marker, the same jar or class path and the same arguments.
   */
  static List<String> command(String java, List<String> defaults, List<String> jvmArgs,
      String classPath, boolean jar, String[] args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(defaults);
    cmd.addAll(jvmArgs);
    cmd.add("-D" + CHILD + "=true");
    if (jar) {
      cmd.addAll(List.of("-jar", classPath));
    } else {
      cmd.addAll(List.of("-cp", classPath, Main.class.getName()));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The default JVM options: {@value #OPTIONS}, comments and blank lines left out. */
  static List<String> defaults() throws IOException {
    try (InputStream in = Relaunch.class.getResourceAsStream(OPTIONS)) {
      if (in == null) {
        return List.of();
      }
      List<String> options = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int hash = line.indexOf('#');
        options.addAll(words(hash >= 0 ? line.substring(0, hash) : line));
      }
      return options;
    }
  }

  /**
   * In the launched JVM: runs the proxy in a bounded child JVM when {@link #wanted}, waits
   * for it and returns its exit code; empty when the proxy is to run in this JVM.
   */
  static Optional<Integer> parent(String[] args) {
    if (isChild()) {
      return Optional.empty();
    }
    List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (!wanted(Arguments.parse(args), jvmArgs, System.getenv())) {
      return Optional.empty();
    }
    Optional<String> java = ProcessHandle.current().info().command();
    String classPath = System.getProperty("java.class.path", "");
    List<String> defaults;
    try {
      defaults = defaults();
    } catch (IOException e) {
      defaults = List.of();
    }
    if (java.isEmpty() || classPath.isEmpty() || defaults.isEmpty()
        || System.getProperty("jdk.module.main") != null) {
      return Optional.empty(); // cannot tell how to start the same program again: run here
    }
    boolean jar = classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
        && System.getProperty("sun.java.command", "").startsWith(classPath);
    List<String> cmd = command(java.get(), defaults, jvmArgs, classPath, jar, args);
    if (System.console() != null) {
      cmd.add(1, "-D" + CONSOLE + "=true"); // its stdin is our pipe: it cannot see the terminal
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    // Their options are in jvmArgs already; read twice they would also be announced twice.
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    return new Relaunch().supervise(pb);
  }

  private Optional<Integer> supervise(ProcessBuilder pb) {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "failover-proxy-parent"));
    } catch (IllegalStateException shuttingDown) {
      return Optional.of(0);
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> tellChild(HUP));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // e.g. java -Xrs: no SIGHUP here; the child still reloads on its own SIGHUP
    }
    Process c;
    synchronized (lock) {
      if (done) {
        return Optional.of(0);
      }
      try {
        c = child = pb.start();
      } catch (IOException e) {
        done = true; // the proxy runs in this JVM; its own hook handles signals
        System.err.println("failover-proxy: warning: cannot start a JVM with a bounded heap ("
            + e.getMessage() + "); running with this JVM's heap");
        return Optional.empty();
      }
    }
    int code = waitFor(c);
    synchronized (lock) {
      done = true;
    }
    return Optional.of(code);
  }

  /** SIGTERM or SIGINT on the parent: stop the child (it drains) and exit with its code. */
  private void onSignal() {
    Process c;
    synchronized (lock) {
      if (done && child == null) {
        return; // running in this JVM after all
      }
      done = true;
      c = child;
    }
    int code = 0; // a signal before the child started: a clean stop
    if (c != null) {
      c.toHandle().destroy(); // SIGTERM (Process.destroy would also close its stdin: EOF)
      code = waitFor(c);
    }
    System.out.flush();
    Runtime.getRuntime().halt(code);
  }

  private void tellChild(String line) {
    synchronized (lock) {
      if (child == null || done) {
        return;
      }
      try {
        OutputStream in = child.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
      } catch (IOException e) {
        // the child is ending
      }
    }
  }

  private static int waitFor(Process c) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return c.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * In the child: reads the parent's lines on standard input; when the pipe ends the parent is
   * gone (SIGKILL), and the child halts rather than outlive it.
   */
  static void listenToParent() {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          Runnable h = onHup;
          if (HUP.equals(line) && h != null) {
            h.run();
          }
        }
      } catch (IOException e) {
        // as good as the end of the pipe
      }
      Runtime.getRuntime().halt(1);
    }, "failover-proxy-parent");
    t.setDaemon(true);
    t.start();
  }

  /** In the child: what to do on a SIGHUP the parent passes on. */
  static void onHup(Runnable action) {
    onHup = action;
  }

  private static List<String> words(String s) {
    String t = s.strip();
    return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
  }
}
