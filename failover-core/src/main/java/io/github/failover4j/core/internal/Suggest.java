package io.github.failover4j.core.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean …?": the valid name nearest to a misspelt one, by Levenshtein distance. Used by
 * the configuration readers and by {@link io.github.failover4j.core.Transports}.
 */
public final class Suggest {
  private Suggest() {}

  /**
   * The candidate nearest to {@code input}, compared case-insensitively, when it is close
   * enough: at most 2 edits away, or at most a third of the longer name's length; failing that, a
   * candidate that the input (of at least 3 characters) begins, e.g. {@code status} for {@code
   * status_code}.
   *
   * @param input the misspelt name
   * @param candidates the valid names
   * @return the suggestion, if any is close enough
   */
  public static Optional<String> nearest(String input, Collection<String> candidates) {
    String in = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(in, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best != null && (bestDistance <= 2
        || bestDistance <= Math.max(in.length(), best.length()) / 3)) {
      return Optional.of(best);
    }
    return in.length() < 3 ? Optional.empty() : candidates.stream()
        .filter(c -> c.toLowerCase(Locale.ROOT).startsWith(in)).findFirst();
  }

  /** The Levenshtein distance: insertions, deletions and substitutions that turn a into b. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
