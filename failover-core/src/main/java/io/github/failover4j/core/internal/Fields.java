package io.github.failover4j.core.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/** The fields of a map node: children by key, and the check for unknown keys. */
public final class Fields {
  private final Node owner;
  private final Map<?, ?> map;
  private final boolean muted;

  /**
   * @param muted whether the owner was already reported as not being a map, so its children's
   *     absence is not reported again
   */
  Fields(Node owner, Map<?, ?> map, boolean muted) {
    this.owner = owner;
    this.map = map;
    this.muted = muted;
  }

  /** The child under {@code key}, absent when the key is missing. */
  public Node get(String key) {
    Node child = owner.child(key, map.get(key));
    return muted ? child.muted() : child;
  }

  /** Whether {@code key} has a (non-null) value. */
  public boolean has(String key) {
    return map.get(key) != null;
  }

  /**
   * Reports each key not in {@code allowed}, with the nearest valid key or the list of valid
   * keys; returns how many were reported.
   */
  public int rejectUnknown(Collection<String> allowed) {
    return rejectUnknown(allowed, Map.of());
  }

  /**
   * Like {@link #rejectUnknown(Collection)}, but a key in {@code hints} is reported with its
   * hint instead (e.g. a key that belongs one level up).
   */
  public int rejectUnknown(Collection<String> allowed, Map<String, String> hints) {
    int unknown = 0;
    for (Object k : map.keySet()) {
      String key = Objects.toString(k);
      if (k instanceof String && allowed.contains(key)) {
        continue;
      }
      unknown++;
      String nearest = Suggest.nearest(key, allowed).orElse(null);
      String hint = hints.getOrDefault(key, nearest == null ? null
          : "unknown key (did you mean " + nearest + "?)");
      if (hint == null) {
        hint = "unknown key (valid keys: " + String.join(", ", allowed) + ")";
      }
      // Under a token, a key could itself be a token: show it masked unless it is a typo.
      boolean mask = owner.isSecret() && nearest == null;
      owner.child(mask ? Render.value(key, true) : key, null).problem(hint);
    }
    return unknown;
  }
}
