package io.github.failover4j.proxy;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.internal.ConfigFiles;
import io.github.failover4j.core.internal.ConfigParser;
import io.github.failover4j.core.internal.SecretRefs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

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
 * <p>Secrets (tokens, client keys, the admin key) may be written as references instead: {@code
 * ${ENV_VAR}} or {@code file:PATH} (relative to the file's folder).
 *
 * @param listen {@code host:port} to listen on, or {@code null} when not given
 * @param providers the providers, at least one, names unique
 * @param clientLimits what clients are allowed (connections, timeouts, head size)
 * @param limits the memory and size limits toward upstreams (retry buffers, response heads)
 * @param service client keys, admin key, access log ({@link ServiceConfig#DEFAULT} when none)
 * @param routes the model routes, tried in order (SPEC §9); empty for none
 * @param outageCooldown the wait before a trial request to a target in outage whose provider
 *     has no health check
 */
public record GatewayConfig(String listen, List<ProviderConfig> providers,
    ClientLimits clientLimits, Limits limits, ServiceConfig service, List<RouteConfig> routes,
    java.time.Duration outageCooldown) {
  /** The largest configuration file read, so a huge file is an error, not a long stall. */
  public static final int MAX_FILE_BYTES = ConfigFiles.MAX_BYTES;

  /** Copies the list. */
  public GatewayConfig {
    providers = List.copyOf(providers);
    Objects.requireNonNull(clientLimits, "clientLimits");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(service, "service");
    routes = List.copyOf(routes);
    Objects.requireNonNull(outageCooldown, "outageCooldown");
  }

  /** Without routes, with the default outage cooldown. */
  public GatewayConfig(String listen, List<ProviderConfig> providers,
      ClientLimits clientLimits, Limits limits, ServiceConfig service) {
    this(listen, providers, clientLimits, limits, service, List.of(),
        io.github.failover4j.core.Outages.DEFAULT_OUTAGE_COOLDOWN);
  }

  /**
   * With the default {@link ClientLimits}, {@linkplain Limits#DEFAULT limits} and {@link
   * ServiceConfig#DEFAULT} service settings.
   */
  public GatewayConfig(String listen, List<ProviderConfig> providers) {
    this(listen, providers, ClientLimits.DEFAULTS, Limits.DEFAULT);
  }

  /** With {@link ServiceConfig#DEFAULT} service settings. */
  public GatewayConfig(String listen, List<ProviderConfig> providers,
      ClientLimits clientLimits, Limits limits) {
    this(listen, providers, clientLimits, limits, ServiceConfig.DEFAULT);
  }

  /**
   * Parses a gateway configuration, YAML or JSON.
   *
   * @throws ConfigException listing every problem, each with its path and value
   */
  public static GatewayConfig parse(String text) {
    return parse(text, SecretRefs.system());
  }

  /**
   * Reads and {@linkplain #parse(String) parses} a UTF-8 file of at most {@value
   * #MAX_FILE_BYTES} bytes.
   *
   * @throws ConfigException when the file is too large or not UTF-8 (naming the file and the
   *     line), or for every problem of its content
   */
  public static GatewayConfig load(Path file) throws IOException {
    return load(file, System::getenv);
  }

  /** Like {@link #load(Path)}, with secret references resolved from {@code env}. */
  static GatewayConfig load(Path file, Function<String, String> env) throws IOException {
    SecretRefs refs = new SecretRefs(env, file.toAbsolutePath().getParent());
    return ConfigFiles.load(file, text -> parse(text, refs));
  }

  static GatewayConfig parse(String text, SecretRefs refs) {
    return ConfigParser.parse(text, (root, secrets) -> new GatewayReader(secrets, refs)
        .read(root));
  }
}
