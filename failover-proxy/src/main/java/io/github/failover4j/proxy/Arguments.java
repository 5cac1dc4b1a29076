package io.github.failover4j.proxy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code [--config FILE] [--listen HOST:PORT] [--help]}; no arguments at
 * all means the demo.
 *
 * @param help whether usage was asked for
 * @param demo whether no argument was given
 * @param config the config file, or null
 * @param listen the listen address, or null
 * @param problems what is wrong, one line each; empty when the line is valid
 */
record Arguments(boolean help, boolean demo, Path config, String listen, List<String> problems) {

  static final String USAGE = """
      usage: java -jar failover-proxy.jar --config FILE [--listen HOST:PORT]
             java -jar failover-proxy.jar            (no arguments: a self-contained demo)
             java -jar failover-proxy.jar --help

        --config FILE       the gateway configuration (YAML or JSON): providers, their tokens
                            and failover rules
        --listen HOST:PORT  where to listen; overrides the file's `listen`
                            (default 127.0.0.1:8080)
        --help              this text

      Endpoints: every provider's pathPrefix (OpenAI-compatible API), and
                 GET /_failover/status (every token's state; never a token in clear).
      """;

  static Arguments parse(String[] args) {
    if (args.length == 0) {
      return new Arguments(false, true, null, null, List.of());
    }
    boolean help = false;
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
    if (!help && config == null && problems.isEmpty()) {
      problems.add("--config: is required (or run without arguments for the demo)");
    }
    return new Arguments(help, false, config, listen, List.copyOf(problems));
  }
}
