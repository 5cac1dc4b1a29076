package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module exports only its API and declares the transport service it uses. */
class ModuleTest {

  private static ModuleDescriptor descriptor() {
    return ModuleFinder.of(Path.of("target/classes")).find("io.github.failover4j.core")
        .orElseThrow().descriptor();
  }

  @Test
  void exportsOnlyTheApi() {
    assertThat(descriptor().exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("io.github.failover4j.core");
    // the config readers go to the proxy alone, for its gateway file
    assertThat(descriptor().exports()).filteredOn(ModuleDescriptor.Exports::isQualified)
        .singleElement().satisfies(e -> {
          assertThat(e.source()).isEqualTo("io.github.failover4j.core.internal");
          assertThat(e.targets()).containsExactly("io.github.failover4j.proxy");
        });
    assertThat(descriptor().packages()).contains("io.github.failover4j.core.internal");
  }

  @Test
  void usesTheTransportServiceAndRequiresNoRe2jModule() {
    ModuleDescriptor d = descriptor();
    assertThat(d.uses()).containsExactly("io.github.failover4j.spi.TransportProvider");
    // RE2/J is shaded into the jar: no filename-based automatic module reaches users
    assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "io.github.failover4j.spi",
            "org.yaml.snakeyaml", "com.fasterxml.jackson.databind");
    assertThat(d.requires()).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("io.github.failover4j.spi");
      assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    });
  }

  @Test
  void missingTransportNameIsReportedWithWhatWasFound() {
    assertThatThrownBy(() -> Transports.open("carrier-pigeon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carrier-pigeon")
        .hasMessageContaining("none is on the path");
    assertThat(Transports.available()).isEmpty();
  }
}
