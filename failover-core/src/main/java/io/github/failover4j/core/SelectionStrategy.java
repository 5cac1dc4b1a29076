package io.github.failover4j.core;

/** How {@link TokenPool#select()} picks among the healthy tokens. */
public enum SelectionStrategy {
  /** Each token in turn. The default. */
  ROUND_ROBIN,
  /** In turn, each token as often as its weight (smooth weighted round-robin). */
  WEIGHTED,
  /** Uniformly at random. */
  RANDOM
}
