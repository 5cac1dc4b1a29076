package com.example.consumer;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Transports;
import io.github.failover4j.core.Verdict;
import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Opens the {@code jdk} transport by name, judges a response with a body rule (an RE2
 * expression, run by the copy of RE2/J inside the core), and prints what the verify script
 * checks: whether it ran as a named module, and which modules of the boot layer are automatic.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the check.
   *
   * @param args none
   */
  public static void main(String[] args) {
    List<String> automatic = ModuleLayer.boot().modules().stream()
        .filter(m -> m.getDescriptor().isAutomatic()).map(Module::getName).sorted().toList();
    FailoverConfig config = FailoverConfig.parse("""
        failover:
          failure:
            conditions:
              - status_code: [429]
                body: "No (quota|credit) avail[a-z]+"
        """);
    try (Transport transport = Transports.open("jdk");
         TokenPool pool = TokenPool.builder("it").tokens("sk-it-aaaaaaaaaaaaaaaa")
             .config(config).transport(transport).build()) {
      TokenHandle token = pool.select();
      Verdict verdict = token.report(new ResponseView() {
        @Override
        public int status() {
          return 429;
        }

        @Override
        public String header(String name) {
          return null;
        }

        @Override
        public byte[] body(int maxBytes) {
          return "{\"error\": \"No quota available\"}".getBytes(StandardCharsets.UTF_8);
        }
      });
      System.out.println("failover4j-it: named=" + Main.class.getModule().isNamed()
          + " transport=" + transport.getClass().getName()
          + " automatic=" + automatic + " outcome=" + verdict.outcome());
    }
  }
}
