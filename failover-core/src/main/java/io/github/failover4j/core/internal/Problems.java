package io.github.failover4j.core.internal;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.TokenSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects every configuration problem, one {@code path: value problem} line each. */
public final class Problems {
  /** Tokens shorter than this are not scrubbed from messages: they would match too much. */
  private static final int MIN_SCRUB_LENGTH = 8;

  private final List<String> lines = new ArrayList<>();

  public void add(String line) {
    lines.add(line);
  }

  /** How many problems so far; compare before and after reading a part to see if it was clean. */
  public int count() {
    return lines.size();
  }

  /** Throws one exception listing every problem, if there is any. */
  public void throwIfAny() {
    throwIfAny(List.of());
  }

  /**
   * Throws one exception listing every problem, if there is any, with each of {@code secrets}
   * replaced by its masked id wherever it still appears: a last line of defence, since every
   * message about a token already names it by index and masked id only.
   */
  public void throwIfAny(Collection<String> secrets) {
    if (lines.isEmpty()) {
      return;
    }
    List<String> safe = new ArrayList<>(lines.size());
    for (String line : lines) {
      for (String secret : secrets) {
        if (secret.length() >= MIN_SCRUB_LENGTH && line.contains(secret)) {
          line = line.replace(secret, TokenSpec.maskedId(secret));
        }
      }
      safe.add(line);
    }
    throw new ConfigException(safe);
  }
}
