package io.github.failover4j.core;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Named pools, one per provider. Pools are isolated: nothing one sees changes another.
 * Thread-safe; closing the registry closes every pool.
 */
public final class FailoverRegistry implements AutoCloseable {
  private final ConcurrentMap<String, TokenPool> pools = new ConcurrentHashMap<>();

  /** An empty registry. */
  public FailoverRegistry() {}

  /**
   * Adds a pool under its name.
   *
   * @throws IllegalArgumentException when a pool of that name is already registered
   */
  public TokenPool register(TokenPool pool) {
    TokenPool before = pools.putIfAbsent(pool.name(), pool);
    if (before != null) {
      throw new IllegalArgumentException("a pool named '" + pool.name()
          + "' is already registered");
    }
    return pool;
  }

  /**
   * The pool of that name.
   *
   * @throws IllegalArgumentException naming the registered pools when there is none
   */
  public TokenPool pool(String name) {
    TokenPool p = pools.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no pool named '" + name + "'; registered: "
          + new TreeSet<>(pools.keySet()));
    }
    return p;
  }

  /** The pool of that name, if any. */
  public Optional<TokenPool> find(String name) {
    return Optional.ofNullable(pools.get(name));
  }

  /** Every pool, in no particular order. */
  public Collection<TokenPool> pools() {
    return List.copyOf(pools.values());
  }

  /** Removes and closes the pool of that name; returns whether there was one. */
  public boolean remove(String name) {
    TokenPool p = pools.remove(name);
    if (p != null) {
      p.close();
    }
    return p != null;
  }

  /** Closes every pool and empties the registry. */
  @Override
  public void close() {
    for (String name : List.copyOf(pools.keySet())) {
      remove(name);
    }
  }
}
