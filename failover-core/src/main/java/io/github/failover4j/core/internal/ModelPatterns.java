package io.github.failover4j.core.internal;

import com.google.re2j.Pattern;
import java.util.function.Predicate;

/**
 * Anchored RE2 patterns for model names (a route's {@code modelPattern}), so the proxy matches
 * them without depending on RE2/J itself. Linear time whatever the input.
 */
public final class ModelPatterns {
  private ModelPatterns() {}

  /**
   * Reads {@code node} as an anchored RE2 pattern: it must match the whole model name.
   *
   * @return the matcher, or {@code null} when a problem was reported on {@code node}
   */
  public static Predicate<String> read(Node node) {
    if ("".equals(node.value())) {
      node.invalid("is empty; give a pattern such as \"gpt-4o.*\"");
      return null;
    }
    String regex = Conditions.regex(node);
    if (regex == null) {
      return null;
    }
    Pattern p = Pattern.compile(regex);
    return new Predicate<>() {
      @Override
      public boolean test(String model) {
        return model != null && p.matches(model);
      }

      @Override
      public String toString() {
        return regex;
      }
    };
  }
}
