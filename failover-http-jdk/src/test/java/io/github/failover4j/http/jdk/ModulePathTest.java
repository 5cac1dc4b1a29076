package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module on the module path: a layer built from this module's {@code target/classes} and
 * the spi/core (and their dependencies) found on the test class path, where the {@code jdk}
 * transport must be found through {@code provides}, and only the API package is exported.
 */
class ModulePathTest {
  private static final String MODULE = "io.github.failover4j.http.jdk";
  private static final String SERVICE = "io.github.failover4j.spi.TransportProvider";

  /** This module's classes and every modular jar or exploded module on the test class path. */
  private static ModuleLayer layer() {
    List<Path> paths = new ArrayList<>();
    paths.add(Path.of("target", "classes"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      // a test jar (shared fixtures) is no module of the application
      boolean jar = entry.endsWith(".jar") && !entry.endsWith("-tests.jar")
          && Files.isRegularFile(p);
      boolean exploded = Files.isRegularFile(p.resolve("module-info.class"));
      if ((jar || exploded) && !p.toAbsolutePath().equals(
          Path.of("target", "classes").toAbsolutePath())) {
        paths.add(p);
      }
    }
    ModuleFinder finder = ModuleFinder.of(paths.toArray(Path[]::new));
    Configuration cf = ModuleLayer.boot().configuration()
        .resolveAndBind(finder, ModuleFinder.of(), Set.of(MODULE));
    return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void exportsOnlyTheApiAndProvidesTheJdkTransport() {
    ModuleDescriptor d = layer().findModule(MODULE).orElseThrow().getDescriptor();
    assertThat(d.isAutomatic()).isFalse();
    assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.github.failover4j.http.jdk");
    assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
    assertThat(d.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo(SERVICE);
      assertThat(p.providers()).containsExactly(JdkTransportProvider.class.getName());
    });
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name)
        .collect(Collectors.toSet()))
        .contains("io.github.failover4j.core", "java.net.http");
  }

  @Test
  void theJdkTransportIsFoundByServiceLoaderInTheLayer() throws Exception {
    ModuleLayer layer = layer();
    Class<?> service = layer.findLoader("io.github.failover4j.spi").loadClass(SERVICE);
    List<String> found = new ArrayList<>();
    for (Object provider : ServiceLoader.load(layer, service)) {
      String name = (String) service.getMethod("name").invoke(provider);
      found.add(name + "@" + provider.getClass().getModule().getName());
    }
    assertThat(found).contains("jdk@" + MODULE);
  }

  @Test
  void theCoreOpensTheJdkTransportByNameInTheLayer() throws Exception {
    ModuleLayer layer = layer();
    ClassLoader loader = layer.findLoader(MODULE);
    Class<?> transports = layer.findLoader("io.github.failover4j.core")
        .loadClass("io.github.failover4j.core.Transports");
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(loader); // ServiceLoader.load(Class) looks there
    try {
      Object transport = transports.getMethod("open", String.class).invoke(null, "jdk");
      try {
        assertThat(transport.getClass().getName()).isEqualTo(JdkTransport.class.getName());
        assertThat(transport.getClass().getModule().getName()).isEqualTo(MODULE);
        assertThat(transport.getClass()).isNotSameAs(JdkTransport.class);
      } finally {
        ((AutoCloseable) transport).close();
      }
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
