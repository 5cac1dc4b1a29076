package io.github.failover4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Transports;
import io.github.failover4j.spi.Transport;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code netty} transport is found by name on the class path and on the module path. */
class TransportDiscoveryTest {

  @Test
  void foundByNameOnTheClassPath() {
    assertThat(Transports.available()).contains("netty");
    try (Transport t = Transports.open("NETTY")) {
      assertThat(t).isInstanceOf(NettyTransport.class);
      assertThat(t.prober()).isInstanceOf(NettyProber.class);
      assertThat(t.scheduler()).isInstanceOf(EventLoopScheduler.class);
    }
  }

  @Test
  void foundByNameOnTheModulePath() throws Exception {
    ModuleLayer layer = layer();
    assertThat(layer.findModule("io.github.failover4j.netty")).isPresent();
    Module netty = layer.findModule("io.github.failover4j.netty").orElseThrow();
    assertThat(netty.getDescriptor().exports()).filteredOn(e -> !e.isQualified())
        .extracting(e -> e.source()).containsExactly("io.github.failover4j.netty");
    assertThat(netty.getDescriptor().isAutomatic()).isFalse();

    // ServiceLoader over the layer, with the layer's own copy of the service type
    ClassLoader spi = layer.findLoader("io.github.failover4j.spi");
    Class<?> service = spi.loadClass("io.github.failover4j.spi.TransportProvider");
    List<String> names = new ArrayList<>();
    for (Object p : ServiceLoader.load(layer, service)) {
      names.add((String) service.getMethod("name").invoke(p));
      assertThat(p.getClass().getModule()).isEqualTo(netty);
    }
    assertThat(names).containsExactly("netty");

    // and through the core's own lookup, which uses its `uses` clause
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(layer.findLoader("io.github.failover4j.core"));
    try {
      Class<?> transports = layer.findLoader("io.github.failover4j.core")
          .loadClass("io.github.failover4j.core.Transports");
      Object transport = transports.getMethod("open", String.class).invoke(null, "netty");
      assertThat(transport.getClass().getModule()).isEqualTo(netty);
      transport.getClass().getMethod("close").invoke(transport);
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  /**
   * A layer of this module's classes and the jars it needs, taken from the test class path and
   * filtered to the module's own dependencies (the test-only jars would not resolve as modules).
   */
  static ModuleLayer layer() {
    List<Path> paths = new ArrayList<>();
    paths.add(Paths.get("target", "classes").toAbsolutePath());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      if (name.matches("(failover-(spi|core)|netty-.*|jackson-(core|databind|annotations)"
          + "|re2j|snakeyaml)-[0-9].*\\.jar") && !name.endsWith("-tests.jar")
          || entry.matches(".*failover-(spi|core)/target/classes")) {
        paths.add(Paths.get(entry));
      }
    }
    ModuleFinder finder = ModuleFinder.of(paths.toArray(Path[]::new));
    Configuration cf = ModuleLayer.boot().configuration()
        .resolveAndBind(finder, ModuleFinder.of(), Set.of("io.github.failover4j.netty"));
    return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
  }
}
