package io.github.failover4j.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A store that every replica of a gateway shares, so a token one replica ejects is out for all
 * of them and only one replica probes it (SPEC §8). Attach one to pools with {@link
 * TokenPool.Builder#fleet(FleetSync)}; {@code failover-redis}'s {@code RedisFleet} is one, and
 * another store can plug in by implementing this interface.
 *
 * <p>The pool calls its {@link Link} after each local transition, once it has won the
 * transition, and never from {@code select()} or a report that changes no state. A link must
 * not block or do I/O on the calling thread: it hands the work to a thread of its own. States
 * from other replicas arrive through {@link Member#apply(FleetState)}.
 */
public interface FleetSync {

  /**
   * Joins a pool to the fleet; called once, when the pool is built.
   *
   * @param member the pool, as the fleet sees it
   * @return the link the pool publishes through; closed when the pool closes
   */
  Link join(Member member);

  /** The pool's side of a fleet, implemented by {@link TokenPool}. Thread-safe. */
  interface Member {
    /** The pool's name; pools of one name on different replicas share state. */
    String pool();

    /** The fingerprints of the pool's tokens now. */
    List<String> fingerprints();

    /**
     * The latest state this replica knows for a token (its own transition or one applied from
     * the fleet); {@code null} when it knows none or has no such token.
     */
    FleetState state(String fingerprint);

    /**
     * Applies a state from the fleet if it is newer than the one this replica knows: the token
     * is ejected, disabled or restored locally, with the shared deadline, without publishing it
     * again.
     *
     * @return whether the state was newer and applied
     */
    boolean apply(FleetState state);

    /**
     * Makes the store's state this replica's, whatever its version: the store refused a
     * transition of this replica (an older version, or a restore by a probe whose lease was no
     * longer held).
     */
    void override(FleetState stored);
  }

  /** The pool's connection to a fleet. */
  interface Link extends AutoCloseable {
    /**
     * Publishes a local transition. Must return at once: no I/O, no lock on the caller's
     * thread (it may be a request's).
     */
    void publish(FleetState state);

    /**
     * Whether this replica may probe an ejected token now: completes with {@code true} for the
     * one replica that holds (or just took) the token's probe lease, {@code false} for the
     * others, and {@code true} when the store cannot be reached (every replica then works
     * alone). Must not block the caller.
     */
    CompletionStage<Boolean> mayProbe(String fingerprint);

    /** Stops publishing for this pool. */
    @Override
    void close();
  }
}
