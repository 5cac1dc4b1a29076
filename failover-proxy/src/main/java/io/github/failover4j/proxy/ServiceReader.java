package io.github.failover4j.proxy;

import io.github.failover4j.core.internal.Fields;
import io.github.failover4j.core.internal.Node;
import io.github.failover4j.core.internal.SecretRefs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the gateway file's service keys: {@code clients}, {@code admin}, {@code
 * allowUnauthenticated}, {@code accessLog}, {@code fleet} ({@link FleetReader}). Keys may be
 * secret references ({@code ${ENV}}, {@code file:PATH}); every message shows them masked.
 */
final class ServiceReader {
  /** The root keys read here, beside {@code listen} and {@code providers}. */
  static final List<String> ROOT_KEYS = List.of("clients", "admin", "allowUnauthenticated",
      "accessLog", FleetReader.KEY);

  private final Collection<String> secrets;
  private final SecretRefs refs;

  ServiceReader(Collection<String> secrets, SecretRefs refs) {
    this.secrets = secrets;
    this.refs = refs;
  }

  /** The service settings, or null when anything was reported. */
  ServiceConfig read(Node root, Fields f) {
    int before = root.problemsSoFar();
    ClientKeys clients = clients(f.get("clients"));
    KeyDigest admin = admin(f.get("admin"));
    Node allowNode = f.get("allowUnauthenticated");
    Boolean allow = allowNode.present() ? allowNode.bool() : Boolean.FALSE;
    AccessLog.Format accessLog = accessLog(f.get("accessLog"));
    FleetConfig fleet = new FleetReader(secrets, refs).read(f.get(FleetReader.KEY));
    if (root.problemsSoFar() != before || clients == null || allow == null) {
      return null;
    }
    return new ServiceConfig(clients, admin, allow, accessLog, fleet);
  }

  private ClientKeys clients(Node node) {
    if (!node.present()) {
      return ClientKeys.NONE;
    }
    int before = node.problemsSoFar();
    if (node.value() instanceof List<?> l && l.isEmpty()) {
      node.invalid("is empty; give at least one {name, key} or leave clients out");
    }
    List<ClientKeys.Client> list = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    List<KeyDigest> seen = new ArrayList<>();
    List<String> seenAt = new ArrayList<>();
    for (Node item : node.list()) {
      Fields f = item.fields();
      f.rejectUnknown(List.of("name", "key", "keySha256"));
      Node nameNode = f.get("name");
      String name = nameNode.require("") ? nameNode.nonBlankString() : null;
      if (name != null && !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"')) {
        nameNode.invalid("must be visible ASCII without spaces or quotes (it goes into logs "
            + "and metric tags)");
        name = null;
      }
      if (name != null) {
        String first = names.putIfAbsent(name, nameNode.path());
        if (first != null) {
          nameNode.invalid("duplicates " + first + "; each client needs its own name");
        }
      }
      KeyDigest key;
      if (f.has("key") && f.has("keySha256")) {
        item.problem("give key or keySha256, not both");
        key = null;
      } else if (f.has("keySha256")) {
        key = sha256(f.get("keySha256"));
      } else if (f.has("key") || item.value() instanceof Map) {
        key = secretKey(f.get("key"), "(or keySha256)");
      } else {
        key = null;
      }
      if (key != null) {
        for (int i = 0; i < seen.size(); i++) {
          if (seen.get(i).sameAs(key)) {
            item.problem("has the same key as " + seenAt.get(i) + "; each client needs its own");
          }
        }
        seen.add(key);
        seenAt.add(item.path());
      }
      if (name != null && key != null) {
        list.add(new ClientKeys.Client(name, key));
      }
    }
    return node.problemsSoFar() == before ? new ClientKeys(list) : null;
  }

  private KeyDigest admin(Node node) {
    if (!node.present()) {
      return null;
    }
    Fields f = node.fields();
    f.rejectUnknown(List.of("key", "keySha256"));
    if (f.has("keySha256")) {
      return sha256(f.get("keySha256"));
    }
    return secretKey(f.get("key"), "when admin is set (or keySha256)");
  }

  /** A key, in clear or a reference; its digest, or null when reported. */
  private KeyDigest secretKey(Node keyNode, String when) {
    Node node = keyNode.secret(true);
    if (!node.require(when)) {
      return null;
    }
    if (node.value() instanceof String s && !SecretRefs.isReference(s)) {
      secrets.add(s);
    }
    node = refs.resolve(node, secrets);
    String key = node == null ? null : node.nonBlankString();
    if (key == null) {
      return null;
    }
    if (key.length() < 16) {
      node.problem("is shorter than 16 characters; use a long random key, e.g. "
          + "openssl rand -hex 32");
      return null;
    }
    if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      node.problem("contains a character that cannot go in an HTTP header "
          + "(only visible ASCII, no spaces)");
      return null;
    }
    return KeyDigest.of(key);
  }

  private static KeyDigest sha256(Node node) {
    String hex = node.nonBlankString();
    if (hex == null) {
      return null;
    }
    try {
      return KeyDigest.ofHex(hex.strip().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      node.invalid("is not a SHA-256 in hex (64 hex digits, e.g. from sha256sum)");
      return null;
    }
  }

  private static AccessLog.Format accessLog(Node node) {
    if (!node.present()) {
      return null;
    }
    if (node.value() instanceof Boolean b) {
      return b ? AccessLog.Format.TEXT : null;
    }
    Fields f = node.fields();
    f.rejectUnknown(List.of("format"));
    Node format = f.get("format");
    return format.present() ? format.choice(AccessLog.Format.class, true) : AccessLog.Format.TEXT;
  }
}
