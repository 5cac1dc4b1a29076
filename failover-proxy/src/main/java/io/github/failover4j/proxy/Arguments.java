package io.github.failover4j.proxy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code [--config FILE] [--listen HOST:PORT] [--check] [--version]
 * [--help]}; no arguments at all means the demo.
 *
 * @param help whether usage was asked for
 * @param version whether the version was asked for
 * @param check whether to validate the configuration only, without listening
 * @param demo whether no argument was given
 * @param config the config file, or null
 * @param listen the listen address, or null
 * @param problems what is wrong, one line each; empty when the line is valid
 */
record Arguments(boolean help, boolean version, boolean check, boolean demo, Path config,
    String listen, List<String> problems) {

  static final String USAGE = """
      usage: java -jar failover-proxy.jar --config FILE [--listen HOST:PORT]
             java -jar failover-proxy.jar --config FILE --check
             java -jar failover-proxy.jar            (no arguments: a self-contained demo)
             java -jar failover-proxy.jar --version | --help

        --config FILE       the gateway configuration (YAML or JSON): providers, their tokens
                            and failover rules
        --listen HOST:PORT  where to listen; overrides the file's `listen`
                            (default 127.0.0.1:8080)
        --check             validate the configuration (and the listen address) and exit:
                            0 when it is valid, 2 with every problem; listens on nothing
        --version           the proxy's version
        --help              this text

      Endpoints: every provider's pathPrefix (OpenAI-compatible API);
                 GET /_failover/ (live status page), GET /_failover/status (JSON),
                 POST /_failover/providers/{p}/tokens/{id}/disable|restore,
                 POST /_failover/reload (admin key, or loopback only without one);
                 GET /healthz, GET /readyz, GET /metrics (Prometheus).
      Reload: SIGHUP, a change of the config file, or POST /_failover/reload.
      Exit codes: 0 clean stop, 1 cannot start (e.g. port taken), 2 invalid arguments or
                  configuration. See docs/operations.md.
      Memory: runs in a 128 MB heap (a child JVM started with jvm.options) unless the JVM
              was given a heap or GC option, or FAILOVER_PROXY_RELAUNCH=0.
      """;

  static Arguments parse(String[] args) {
    if (args.length == 0) {
      return new Arguments(false, false, false, true, null, null, List.of());
    }
    boolean help = false;
    boolean version = false;
    boolean check = false;
    Path config = null;
    String listen = null;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        case "--check" -> check = true;
        case "--config", "--listen" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              problems.add(a + ": needs a value");
              continue;
            }
            value = args[++i];
          }
          if (a.equals("--config")) {
            config = Path.of(value);
          } else {
            listen = value;
            try {
              Listen.parse(value);
            } catch (IllegalArgumentException e) {
              problems.add("--listen: " + e.getMessage());
            }
          }
        }
        default -> problems.add(a + ": unknown argument");
      }
    }
    if (!help && !version && config == null && problems.isEmpty()) {
      problems.add("--config: is required (or run without arguments for the demo)");
    }
    return new Arguments(help, version, check, false, config, listen, List.copyOf(problems));
  }
}
