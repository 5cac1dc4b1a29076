package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.Outages;
import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.internal.Endpoints;
import io.github.failover4j.core.internal.FailoverReader;
import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import io.github.failover4j.core.internal.Render;
import io.github.failover4j.core.internal.SecretRefs;
import io.github.failover4j.core.internal.TokenReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a gateway configuration: {@code listen}, the {@code providers} and {@code limits}. */
final class GatewayReader {
  static final List<String> ROOT_KEYS = FailoverReader.concat(
      List.of("listen", "providers", "limits", "routes", "outageCooldown"), ServiceReader.ROOT_KEYS);

  private static final List<String> PROVIDER_KEYS = FailoverReader.concat(
      List.of("name", "upstream", "pathPrefix", "auth", "apiTokens", "timeouts"),
      FailoverReader.SCOPE_KEYS);

  private final Map<String, String> names = new HashMap<>();
  private final Map<String, String> prefixes = new HashMap<>();
  private final Collection<String> secrets;
  private final SecretRefs refs;

  /**
   * @param secrets receives every token seen, so the caller can scrub messages of them
   * @param refs resolves secret references ({@code ${ENV}}, {@code file:PATH})
   */
  GatewayReader(Collection<String> secrets, SecretRefs refs) {
    this.secrets = secrets;
    this.refs = refs;
  }

  /** The configuration, or null when anything was reported. */
  GatewayConfig read(Node root) {
    int before = root.problemsSoFar();
    Fields f = root.fields();
    f.rejectUnknown(ROOT_KEYS);
    String listen = Endpoints.listen(f.get("listen"));
    // One `limits:` map, two readers: what clients may do, and memory toward upstreams.
    Fields limitsFields = f.get("limits").fields();
    limitsFields.rejectUnknown(FailoverReader.concat(ClientLimits.KEYS, LimitsReader.KEYS));
    ClientLimits clientLimits = ClientLimits.read(limitsFields);
    Limits limits = LimitsReader.read(limitsFields);
    Node providersNode = f.get("providers");
    providersNode.require("");
    if (providersNode.value() instanceof List<?> l && l.isEmpty()) {
      providersNode.invalid("is empty; give at least one provider");
    }
    List<ProviderConfig> providers = new ArrayList<>();
    for (Node p : providersNode.list()) {
      providers.add(provider(p));
    }
    ServiceConfig service = new ServiceReader(secrets, refs).read(root, f);
    List<RouteConfig> routes = RoutesReader.read(f.get("routes"), names.keySet());
    Node cooldownNode = f.get("outageCooldown");
    Duration outageCooldown = cooldownNode.present() ? cooldownNode.duration(null)
        : Outages.DEFAULT_OUTAGE_COOLDOWN;
    if (outageCooldown != null && (outageCooldown.isZero() || outageCooldown.isNegative())) {
      cooldownNode.invalid("must be positive");
      outageCooldown = null;
    }
    return root.problemsSoFar() == before && !providers.isEmpty() && !providers.contains(null)
        && clientLimits != null && limits != null && service != null && routes != null
        && outageCooldown != null
        ? new GatewayConfig(listen, providers, clientLimits, limits, service, routes,
            outageCooldown) : null;
  }

  private ProviderConfig provider(Node p) {
    if (!(p.value() instanceof Map)) {
      p.fields(); // reports what it is instead
      return null;
    }
    int before = p.problemsSoFar();
    Fields f = p.fields();
    f.rejectUnknown(PROVIDER_KEYS);
    Node nameNode = f.get("name");
    String name = nameNode.require("") ? unique(nameNode, nameNode.nonBlankString(), names)
        : null;
    Node upstreamNode = f.get("upstream");
    URI upstream = upstreamNode.require("") ? Endpoints.upstream(upstreamNode) : null;
    Node prefixNode = f.get("pathPrefix");
    String prefix = unique(prefixNode, prefixNode.present() ? Endpoints.pathPrefix(prefixNode)
        : "/", prefixes);
    Auth auth = auth(f.get("auth"));
    List<TokenSpec> tokens = new TokenReader(secrets, refs).read(f.get("apiTokens"));
    FailoverConfig failover = FailoverReader.read(f);
    Timeouts timeouts = Timeouts.read(f.get("timeouts"));
    if (p.problemsSoFar() != before || name == null || upstream == null || prefix == null
        || auth == null || tokens == null || failover == null || timeouts == null) {
      return null;
    }
    try {
      return new ProviderConfig(name, upstream, prefix, auth, tokens, failover, timeouts);
    } catch (IllegalArgumentException e) {
      p.problem(e.getMessage());
      return null;
    }
  }

  /** Reports a value already used by an earlier provider, naming both. */
  private static String unique(Node node, String value, Map<String, String> seen) {
    if (value == null) {
      return null;
    }
    String first = seen.putIfAbsent(value, node.path());
    if (first != null) {
      String shown = node.present() ? node.show() : Render.quote(value) + " (the default)";
      node.problem(shown + " duplicates " + first + "; each provider needs its own");
      return null;
    }
    return value;
  }

  private static Auth auth(Node node) {
    if (!node.present()) {
      return Auth.BEARER;
    }
    Fields f = node.fields();
    f.rejectUnknown(List.of("header", "scheme"));
    Node headerNode = f.get("header");
    String header = headerNode.require("when auth is set") ? headerNode.string() : null;
    if (header != null && !Endpoints.isToken(header)) {
      headerNode.invalid("is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
      header = null;
    }
    Node schemeNode = f.get("scheme");
    String scheme = schemeNode.present() ? schemeNode.string() : "";
    if (scheme != null && !scheme.isEmpty() && !Endpoints.isToken(scheme)) {
      schemeNode.invalid("is not an auth scheme such as Bearer (one word, no spaces)");
      scheme = null;
    }
    return header == null || scheme == null ? null : new Auth(header, scheme);
  }
}
