package io.github.failover4j.core;

import java.util.List;

/**
 * A configuration that cannot be used. Lists every problem at once, each with its path and
 * the offending value, e.g. {@code failover.failure.conditions[1].status_code[0]: 999 is not
 * an HTTP status (100-599)}. Never contains a token in clear.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Every problem, one line each. */
  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems every problem found, each with its path; not empty
   */
  public ConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one line each, in the order found. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems.size() == 1
        ? "invalid configuration: " + problems.get(0)
        : "invalid configuration, " + problems.size() + " problems:\n  "
            + String.join("\n  ", problems);
  }
}
