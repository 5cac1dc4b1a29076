package io.github.failover4j.proxy;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.internal.ConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The proxy's configuration file (the gateway file): where it listens and its providers:
 *
 * <pre>{@code
 * listen: 127.0.0.1:8080
 * providers:
 *   - name: openai
 *     upstream: https://api.openai.com
 *     apiTokens: [sk-..., sk-...]
 *     failover: { ... }
 * }</pre>
 *
 * @param listen {@code host:port} to listen on, or {@code null} when not given
 * @param providers the providers, at least one, names unique
 * @param limits the memory and size limits ({@code limits:})
 */
public record GatewayConfig(String listen, List<ProviderConfig> providers, Limits limits) {

  /** Copies the list. */
  public GatewayConfig {
    providers = List.copyOf(providers);
    java.util.Objects.requireNonNull(limits, "limits");
  }

  /** With the {@linkplain Limits#DEFAULT default limits}. */
  public GatewayConfig(String listen, List<ProviderConfig> providers) {
    this(listen, providers, Limits.DEFAULT);
  }

  /**
   * Parses a gateway configuration, YAML or JSON.
   *
   * @throws ConfigException listing every problem, each with its path and value
   */
  public static GatewayConfig parse(String text) {
    return ConfigParser.parse(text, (root, secrets) -> new GatewayReader(secrets).read(root));
  }

  /** Reads and {@linkplain #parse(String) parses} a UTF-8 file. */
  public static GatewayConfig load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }
}
