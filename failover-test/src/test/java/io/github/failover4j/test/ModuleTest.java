package io.github.failover4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The test-support module exports its one package and needs nothing but the SPI. */
class ModuleTest {

  @Test
  void exportsOnlyItsPackageAndRequiresOnlyTheSpi() {
    ModuleDescriptor d = ModuleFinder.of(Path.of("target/classes"))
        .find("io.github.failover4j.test").orElseThrow().descriptor();
    assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.github.failover4j.test");
    assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "io.github.failover4j.spi");
    assertThat(d.requires()).filteredOn(r -> r.name().equals("io.github.failover4j.spi"))
        .singleElement().satisfies(r -> assertThat(r.modifiers())
            .contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
  }
}
