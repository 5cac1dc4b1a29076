package io.github.failover4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The module on the module path with its runtime dependencies (the spi/core's classes and the
 * jars on the test class path, minus test-only ones): it resolves, exports only its API, and
 * binds a real pool to Micrometer's {@code SimpleMeterRegistry} inside the layer.
 */
class ModulePathTest {
  private static final String MODULE = "io.github.failover4j.micrometer";
  /** Jars only the tests use; the Prometheus registry is the proxy's business. */
  private static final List<String> TEST_ONLY = List.of("junit", "assertj", "byte-buddy",
      "opentest4j", "apiguardian", "prometheus", "-tests.jar");

  private static List<Path> modulePath() {
    List<Path> paths = new ArrayList<>();
    paths.add(Path.of("target", "classes"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      boolean jar = entry.endsWith(".jar") && Files.isRegularFile(p)
          && TEST_ONLY.stream().noneMatch(entry::contains);
      boolean exploded = Files.isRegularFile(p.resolve("module-info.class"));
      if ((jar || exploded)
          && !p.toAbsolutePath().equals(Path.of("target", "classes").toAbsolutePath())) {
        paths.add(p);
      }
    }
    return paths;
  }

  private static Configuration resolve() {
    return ModuleLayer.boot().configuration().resolve(
        ModuleFinder.of(modulePath().toArray(Path[]::new)), ModuleFinder.of(), Set.of(MODULE));
  }

  @Test
  void exportsOnlyTheApiAndRequiresMicrometerByItsStableName() {
    ModuleDescriptor d = resolve().findModule(MODULE).orElseThrow().reference().descriptor();
    assertThat(d.isAutomatic()).isFalse();
    assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.github.failover4j.micrometer");
    assertThat(d.requires()).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("micrometer.core");
      assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    });
    assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name)
        .contains("io.github.failover4j.core");
  }

  /**
   * Micrometer's jars carry an {@code Automatic-Module-Name}; HdrHistogram (a runtime
   * dependency of micrometer-core) does not, so on the module path it becomes a module named
   * after its file, as RE2/J does for the core. Listed here so a change shows.
   */
  @Test
  void theOnlyModulesNamedAfterTheirFilesAreHdrHistogramAndRe2j() {
    Set<String> fileNamed = new TreeSet<>();
    Set<String> stablyNamed = new TreeSet<>();
    for (ResolvedModule m : resolve().modules()) {
      if (!m.reference().descriptor().isAutomatic()) {
        continue;
      }
      Path jar = Path.of(m.reference().location().orElseThrow());
      try (JarFile f = new JarFile(jar.toFile())) {
        boolean named = f.getManifest() != null
            && f.getManifest().getMainAttributes().getValue("Automatic-Module-Name") != null;
        (named ? stablyNamed : fileNamed).add(m.name());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(stablyNamed).contains("micrometer.core", "micrometer.commons",
        "micrometer.observation");
    assertThat(fileNamed).containsExactlyInAnyOrder("HdrHistogram", "re2j");
  }

  @Test
  void bindsAPoolInsideTheLayer() throws Exception {
    Configuration cf = resolve();
    ModuleLayer layer = ModuleLayer.boot()
        .defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    ClassLoader loader = layer.findLoader(MODULE);
    Class<?> config = loader.loadClass("io.github.failover4j.core.FailoverConfig");
    Class<?> pool = loader.loadClass("io.github.failover4j.core.TokenPool");
    Object rules = config.getMethod("parse", String.class).invoke(null,
        "failover:\n  failure:\n    conditions:\n      - status_code: [503]\n");
    Object builder = pool.getMethod("builder", String.class).invoke(null, "openai");
    builder.getClass().getMethod("tokens", String[].class)
        .invoke(builder, (Object) new String[] {PoolDriver.A});
    builder.getClass().getMethod("config", config).invoke(builder, rules);
    Object built = builder.getClass().getMethod("build").invoke(builder);
    Object pools = Array.newInstance(pool, 1);
    Array.set(pools, 0, built);

    Class<?> metrics = loader.loadClass(FailoverMetrics.class.getName());
    assertThat(metrics).isNotSameAs(FailoverMetrics.class);
    assertThat(metrics.getModule().getName()).isEqualTo(MODULE);
    Object binder = metrics.getMethod("of", pools.getClass()).invoke(null, pools);
    Object registry = loader.loadClass("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
        .getConstructor().newInstance();
    metrics.getMethod("bindTo", loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
        .invoke(binder, registry);
    List<?> meters = (List<?>) registry.getClass().getMethod("getMeters").invoke(registry);
    assertThat(meters).hasSize(3 + 1 + 3 + 2 + 1); // states, consecutive, totals, probes, cond.
  }
}
