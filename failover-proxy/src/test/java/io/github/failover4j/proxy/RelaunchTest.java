package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When {@code java -jar} re-launches itself in a bounded heap, and with what (issue 14). The
 * processes themselves: {@link ProxyProcessTest} (signals, exit codes, descriptors, all through
 * the re-launch), {@link MainServiceTest} (SIGHUP passed on) and {@link BoundedHeapJarIT} (the
 * real jar).
 */
class RelaunchTest {
  static final Arguments SERVE = Arguments.parse(new String[] {"--config", "gateway.yaml"});

  static boolean wanted(Arguments a, List<String> jvmArgs, Map<String, String> env) {
    return Relaunch.wanted(a, jvmArgs, env);
  }

  @Test
  void aLaunchThatChoseNoMemoryRelaunchesTheProxyAndTheDemo() {
    assertThat(wanted(SERVE, List.of(), Map.of())).isTrue();
    assertThat(wanted(Arguments.parse(new String[0]), List.of(), Map.of())).isTrue();
    assertThat(wanted(SERVE, List.of("-Dx=1", "-XX:+UnlockDiagnosticVMOptions", "-Xlog:gc",
        "-XX:+UseCompressedOops", "-Xss512k"), Map.of("JAVA_TOOL_OPTIONS", "-Dy=2",
            Relaunch.OPT_OUT, "1"))).isTrue();
  }

  @Test
  void aLaunchThatChoseItsMemoryOrAnAgentRunsAsLaunched() {
    for (String own : List.of("-Xmx256m", "-Xms64m", "-Xmn16m", "-XX:MaxHeapSize=1g",
        "-XX:MaxRAMPercentage=50", "-XX:MaxRAM=2g", "-XX:InitialRAMPercentage=5",
        "-XX:MaxDirectMemorySize=64m", "-XX:+UseZGC", "-XX:+UseParallelGC", "-XX:-UseG1GC",
        "-XX:Flags=.hotspotrc", "-XX:VMOptionsFile=opts", "-agentlib:jdwp=transport=dt_socket",
        "-javaagent:otel.jar", "-agentpath:/x.so")) {
      assertThat(wanted(SERVE, List.of("-Dx=1", own), Map.of())).as(own).isFalse();
      assertThat(wanted(SERVE, List.of(), Map.of("JAVA_TOOL_OPTIONS", "-Dx=1  " + own)))
          .as("JAVA_TOOL_OPTIONS " + own).isFalse();
      assertThat(wanted(SERVE, List.of(), Map.of("JDK_JAVA_OPTIONS", own + " -Dx=1")))
          .as("JDK_JAVA_OPTIONS " + own).isFalse();
    }
  }

  @Test
  void theOptOutAndShortLivedCommandsRunAsLaunched() {
    assertThat(wanted(SERVE, List.of(), Map.of(Relaunch.OPT_OUT, "0"))).isFalse();
    assertThat(wanted(SERVE, List.of(), Map.of(Relaunch.OPT_OUT, "false"))).isFalse();
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"--version"},
        new String[] {"--config", "x.yaml", "--check"}, new String[] {"--nonsense"})) {
      assertThat(wanted(Arguments.parse(args), List.of(), Map.of())).as(args[0]).isFalse();
    }
  }

  @Test
  void theChildGetsTheDefaultsThenTheLaunchsOwnOptionsAndTheSameProgram() {
    String[] args = {"--config", "g.yaml"};
    assertThat(Relaunch.command("/jdk/bin/java", List.of("-Xmx128m"), List.of("-Dx=1"),
        "failover-proxy.jar", true, args)).containsExactly("/jdk/bin/java", "-Xmx128m",
            "-Dx=1", "-D" + Relaunch.CHILD + "=true", "-jar", "failover-proxy.jar", "--config",
            "g.yaml");
    assertThat(Relaunch.command("java", List.of("-Xmx128m"), List.of(), "a.jar:b.jar", false,
        args)).containsExactly("java", "-Xmx128m", "-D" + Relaunch.CHILD + "=true", "-cp",
            "a.jar:b.jar", Main.class.getName(), "--config", "g.yaml");
  }

  /** One source for the flags: the launcher script's argfile is what the jar embeds. */
  @Test
  void theDefaultsAreTheLauncherScriptsArgfile() throws Exception {
    Path dist = Path.of("src", "main", "dist");
    assertThat(Relaunch.defaults()).containsExactly("-Xms32m", "-Xmx128m",
        "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    assertThat(Files.readString(dist.resolve(Relaunch.OPTIONS)).lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList())
        .isEqualTo(Relaunch.defaults());
    assertThat(Files.readString(dist.resolve("failover-proxy")))
        .contains("\"@$options\"", "options=\"$dir/jvm.options\"");
    assertThat(wanted(SERVE, Relaunch.defaults(), Map.of())).as("the script's launch").isFalse();
  }

  @Test
  void aChildToldItsParentIsOnATerminalDrawsForOne() {
    String before = System.getProperty(Relaunch.CONSOLE);
    try {
      System.setProperty(Relaunch.CONSOLE, "true");
      assertThat(Relaunch.onTerminal()).isTrue();
      System.setProperty(Relaunch.CONSOLE, "false");
      assertThat(Relaunch.onTerminal()).isEqualTo(System.console() != null);
    } finally {
      if (before == null) {
        System.clearProperty(Relaunch.CONSOLE);
      } else {
        System.setProperty(Relaunch.CONSOLE, before);
      }
    }
  }
}
