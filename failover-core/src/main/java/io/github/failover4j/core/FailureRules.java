package io.github.failover4j.core;

import java.util.List;

/**
 * When a response counts as a failure, and how many consecutive failures eject a token.
 *
 * @param failureThreshold consecutive failures that eject a token, at least 1
 * @param conditions the failure conditions, OR across the list; not empty
 */
public record FailureRules(int failureThreshold, List<Condition> conditions) {

  /** Checks the threshold and copies the list. */
  public FailureRules {
    if (failureThreshold < 1 || failureThreshold > FailoverConfig.MAX_THRESHOLD) {
      throw new IllegalArgumentException("failureThreshold: " + failureThreshold
          + " is not between 1 and " + FailoverConfig.MAX_THRESHOLD);
    }
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("conditions: the list is empty");
    }
  }
}
