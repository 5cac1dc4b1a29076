package io.github.failover4j.proxy;

import io.github.failover4j.core.TokenSnapshot;
import io.github.failover4j.core.TokenSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of a proxy started from a gateway file ({@link ServiceFixture}): after each test, the
 * proxy is stopped and everything it said is scanned for secrets.
 */
abstract class ServiceTestBase {
  @TempDir
  Path dir;
  ServiceFixture f;

  @AfterEach
  void stopAndScanForSecrets() {
    if (f != null) {
      try {
        f.assertNoSecretAnywhere();
      } finally {
        f.close();
      }
    }
  }

  /** The token of {@code secret} in {@code provider}'s pool, or null when it has none. */
  TokenSnapshot token(String provider, String secret) {
    String fp = TokenSpec.of(secret).fingerprint();
    return f.proxy.registry().pool(provider).snapshot().stream()
        .filter(t -> t.fingerprint().equals(fp)).findFirst().orElse(null);
  }
}
