package io.github.failover4j.core.internal;

import io.github.failover4j.core.TokenSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code apiTokens}: strings, or {@code {token, weight}} maps. Every message names a token
 * by its index and masked id, never in clear.
 */
public final class TokenReader {
  /** The most tokens one provider may have. */
  public static final int MAX_TOKENS = 10_000;

  private final Collection<String> secrets;
  private final SecretRefs refs;

  /** Tokens in clear or as references resolved from the process environment. */
  public TokenReader(Collection<String> secrets) {
    this(secrets, SecretRefs.system());
  }

  /**
   * @param secrets receives every token seen (resolved), so messages can be scrubbed of them
   * @param refs resolves {@code ${ENV}} and {@code file:PATH} references
   */
  public TokenReader(Collection<String> secrets, SecretRefs refs) {
    this.secrets = secrets;
    this.refs = refs;
  }

  /** The tokens, or null when anything was reported. */
  public List<TokenSpec> read(Node tokensNode) {
    Node node = tokensNode.secret(true);
    if (!node.require("")) {
      return null;
    }
    int before = node.problemsSoFar();
    if (node.value() instanceof List<?> l && l.isEmpty()) {
      node.invalid("is empty; give at least one token");
    }
    if (node.value() instanceof List<?> l && l.size() > MAX_TOKENS) {
      node.problem("has " + l.size() + " tokens; at most " + MAX_TOKENS
          + " per provider are allowed");
      return null;
    }
    List<TokenSpec> tokens = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<Node> items = node.list();
    for (int i = 0; i < items.size(); i++) {
      TokenSpec token = token(items.get(i));
      if (token == null) {
        continue;
      }
      Integer first = seen.putIfAbsent(token.secret(), i);
      if (first != null) {
        items.get(i).problem("duplicate of apiTokens[" + first + "] (" + token.id() + ")");
      }
      tokens.add(token);
    }
    return node.problemsSoFar() == before ? tokens : null;
  }

  private TokenSpec token(Node item) {
    Node secretNode = item;
    Integer weight = 1;
    if (item.value() instanceof Map) {
      Fields f = item.fields();
      f.rejectUnknown(List.of("token", "weight"));
      secretNode = f.get("token");
      weight = f.get("weight").secret(false).integer(1, 1000);
      if (!f.has("weight")) {
        weight = 1;
      }
      if (!secretNode.require("")) {
        return null;
      }
    }
    if (secretNode.value() instanceof String s && !SecretRefs.isReference(s)) {
      secrets.add(s);
    }
    secretNode = refs.resolve(secretNode, secrets);
    if (secretNode == null) {
      return null;
    }
    String secret = secretNode.nonBlankString();
    if (secret == null || weight == null) {
      return null;
    }
    if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      secretNode.invalid("contains a character that cannot go in an HTTP header "
          + "(only visible ASCII, no spaces)");
      return null;
    }
    return new TokenSpec(secret, weight);
  }
}
