package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;

/**
 * A token picked by {@link TokenPool#select()} for one request, bound to the token's current
 * epoch. Report the response through it: reports made with a handle from before the token was
 * ejected and restored are ignored, so a late response cannot eject a token that just came
 * back. Handles are shared and immutable; selecting allocates nothing.
 *
 * <p>{@link #toString()} shows the masked id only. {@link #secret()} and {@link
 * #authorization()} are the only ways to the token, for putting it on the wire.
 */
public final class TokenHandle {
  private final TokenPool pool;
  final Slot slot;
  final int epoch;

  TokenHandle(TokenPool pool, Slot slot, int epoch) {
    this.pool = pool;
    this.slot = slot;
    this.epoch = epoch;
  }

  /** The masked id, e.g. {@code sk-…f3a9}. */
  public String id() {
    return slot.id;
  }

  /** The token's stable fingerprint. */
  public String fingerprint() {
    return slot.fingerprint;
  }

  /** The token itself. Put it on the wire; never log it. */
  public String secret() {
    return slot.secret;
  }

  /** The value of the pool's auth header for this token, e.g. {@code Bearer sk-…}; precomputed. */
  public String authorization() {
    return slot.authorization;
  }

  /** The pool this token belongs to. */
  public TokenPool pool() {
    return pool;
  }

  /**
   * Records what a response said about this token: a success resets its consecutive failures,
   * a failure counts toward ejection, a transport error changes nothing but the totals.
   */
  public void record(Verdict verdict) {
    pool.record(this, verdict);
  }

  /**
   * Judges a response with the pool's failure rules and records the verdict; returns it.
   * Reads the body only when a rule needs it; a {@link Action#COOLDOWN} reads its deadline
   * from the response headers.
   */
  public Verdict report(ResponseView response) {
    return pool.report(this, response);
  }

  @Override
  public String toString() {
    return "TokenHandle[" + slot.id + ", pool=" + pool.name() + ", epoch=" + epoch + "]";
  }
}
