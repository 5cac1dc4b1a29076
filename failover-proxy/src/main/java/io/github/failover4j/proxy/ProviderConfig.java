package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSpec;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One provider (one upstream, one auth scheme) and its tokens: what a {@link TokenPool} is
 * built from with {@link #poolBuilder()}. {@link #toString()} never shows
 * a token.
 *
 * @param name the pool's name, unique within a gateway
 * @param upstream the provider's base URI, {@code http} or {@code https}, e.g. {@code
 *     https://api.openai.com}
 * @param pathPrefix the request path prefix routed to this provider (a gateway picks the
 *     longest matching prefix), starting with {@code /}
 * @param auth the header that carries the token
 * @param tokens the tokens, at least one, no two alike
 * @param failover the failover rules
 * @param timeouts the timeouts on the wire toward the upstream
 */
public record ProviderConfig(
    String name,
    URI upstream,
    String pathPrefix,
    Auth auth,
    List<TokenSpec> tokens,
    FailoverConfig failover,
    Timeouts timeouts) {

  /** Checks every field. */
  public ProviderConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(failover, "failover");
    Objects.requireNonNull(timeouts, "timeouts");
    tokens = List.copyOf(tokens);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("tokens: the list is empty");
    }
    if (!pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("pathPrefix: '" + pathPrefix + "' does not start with /");
    }
  }

  /** With the {@linkplain Timeouts#DEFAULT default timeouts}. */
  public ProviderConfig(String name, URI upstream, String pathPrefix, Auth auth,
      List<TokenSpec> tokens, FailoverConfig failover) {
    this(name, upstream, pathPrefix, auth, tokens, failover, Timeouts.DEFAULT);
  }

  /** A pool builder preset from this provider: name, upstream, auth, tokens, rules. */
  public TokenPool.Builder poolBuilder() {
    return TokenPool.builder(name).upstream(upstream).auth(auth).tokens(tokens).config(failover);
  }
}
