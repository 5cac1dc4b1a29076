package io.github.failover4j.core;

/** The state of a token (SPEC §2). */
public enum TokenState {
  /** Selectable. */
  HEALTHY,
  /** Not selectable; being health-checked or cooling down. */
  EJECTED,
  /** Ejected by an operator; never restored automatically. */
  DISABLED
}
