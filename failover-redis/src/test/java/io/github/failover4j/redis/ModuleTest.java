package io.github.failover4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module exports only its API and resolves on the module path with Lettuce (an automatic
 * module) and its Netty, as a user's modular application would see it.
 */
class ModuleTest {

  @Test
  void exportsOnlyTheApi() {
    ModuleDescriptor d = ModuleFinder.of(Path.of("target/classes"))
        .find("io.github.failover4j.redis").orElseThrow().descriptor();
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet())).containsExactly("io.github.failover4j.redis");
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name))
        .contains("io.github.failover4j.core", "lettuce.core");
  }

  @Test
  void resolvesAndLoadsOnTheModulePath() throws Exception {
    Path[] modulePath = Arrays.stream(System.getProperty("java.class.path")
            .split(File.pathSeparator))
        .filter(p -> !p.contains("test-classes") && !p.contains("junit")
            && !p.contains("opentest4j") && !p.contains("apiguardian") && !p.contains("assertj")
            && !p.contains("byte-buddy") && !p.contains("embedded-redis")
            && !p.contains("jedis") && !p.contains("commons-pool") && !p.contains("surefire"))
        .map(Path::of)
        .toArray(Path[]::new);
    ModuleFinder finder = ModuleFinder.of(modulePath);
    Configuration config = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("io.github.failover4j.redis"));
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(config,
        ClassLoader.getPlatformClassLoader());
    Class<?> fleet = layer.findLoader("io.github.failover4j.redis")
        .loadClass("io.github.failover4j.redis.RedisFleet");
    assertThat(fleet.getModule().getName()).isEqualTo("io.github.failover4j.redis");
    assertThat(layer.findModule("lettuce.core")).isPresent();
    assertThat(fleet.getModule().isExported("io.github.failover4j.redis")).isTrue();
  }
}
