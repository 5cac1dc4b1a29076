package io.github.failover4j.core;

import io.github.failover4j.spi.Scheduler.Cancellable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One token of a pool and its state. The whole state machine lives in one {@code long} word,
 * changed only by compare-and-set:
 *
 * <pre>
 *   bits 63..32  epoch                 (+1 on every restore; guards against late reports)
 *   bits 31..2   consecutive failures  (saturating)
 *   bits  1..0   state                 (HEALTHY, EJECTED, DISABLED, REMOVED)
 * </pre>
 *
 * <p>A success on a token with no failures only reads the word. Recovery (probes, cooldown)
 * runs as a chain of scheduled tasks; {@link #chain} names the live chain so a chain started
 * before a reload, restore or disable stops by itself.
 */
final class Slot {
  static final int HEALTHY = 0;
  static final int EJECTED = 1;
  static final int DISABLED = 2;
  static final int REMOVED = 3;

  private static final long STATE_MASK = 0b11L;
  private static final long FAILURE_UNIT = 1L << 2;
  private static final long FAILURE_MASK = 0xFFFF_FFFFL & ~STATE_MASK;
  private static final long MAX_FAILURES = FAILURE_MASK >>> 2;
  private static final VarHandle WORD;
  private static final Action[] ACTIONS = Action.values();

  static {
    try {
      WORD = MethodHandles.lookup().findVarHandle(Slot.class, "word", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final String secret;
  final String id;
  final String fingerprint;
  final String authorization;
  volatile int weight;

  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;

  /** The handle of the current epoch; written before the word that makes it current. */
  volatile TokenHandle handle;

  final LongAdder requests = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder ejections = new LongAdder();
  final LongAdder probes = new LongAdder();
  final LongAdder restores = new LongAdder();
  final LongAdder probesPassed = new LongAdder();
  final LongAdder probesFailed = new LongAdder();
  /**
   * Failure matches by cause, at {@link #causeIndex}: one adder per action for verdicts of no
   * condition, then per condition. Grown (never shrunk, never reset) when a reload brings more
   * conditions, so the totals stay monotonic.
   */
  private volatile LongAdder[] causes = new LongAdder[0];

  volatile long ejectedAt;
  /** The action of the condition that ejected the token; {@code null} when an operator did. */
  volatile Action ejectedBy;
  /** The back-off step of the latest ejection (0: none yet). */
  volatile int backoffLevel;
  /** When the token was last restored; {@link #NONE} if never. */
  volatile long restoredAt = NONE;
  /** No restore before this time (a cooldown deadline); only ever moves later. */
  final AtomicLong cooldownUntil = new AtomicLong(NONE);
  /** When the next probe or the end of the cooldown is due; {@link #NONE} when neither is. */
  volatile long nextEventAt = NONE;
  volatile String lastFailureReason = "";
  /** The latest fleet state this replica knows of the token (SPEC §8); {@code null}: none. */
  final AtomicReference<FleetState> fleet = new AtomicReference<>();

  static final long NONE = Long.MIN_VALUE;

  /** The live recovery chain; tasks of an older chain do nothing. */
  final AtomicLong chain = new AtomicLong();
  volatile Cancellable pending;
  /** Consecutive passing probes; touched only by the live chain, one probe at a time. */
  volatile int probePasses;

  Slot(TokenPool pool, TokenSpec spec, Auth auth) {
    this.secret = spec.secret();
    this.id = spec.id();
    this.fingerprint = spec.fingerprint();
    this.authorization = auth.value(secret);
    this.weight = spec.weight();
    this.handle = new TokenHandle(pool, this, 0);
  }

  /** Where {@link #countCause} tallies a condition's (or {@code -1}: no condition's) action. */
  static int causeIndex(int condition, Action action) {
    return (condition + 1) * ACTIONS.length + action.ordinal();
  }

  /**
   * Makes room to tally {@code conditions} conditions. Called while the pool is built or under
   * its reload lock, never on the request path.
   */
  void tallyConditions(int conditions) {
    LongAdder[] current = causes;
    int size = (conditions + 1) * ACTIONS.length;
    if (current.length < size) {
      LongAdder[] grown = Arrays.copyOf(current, size);
      for (int i = current.length; i < size; i++) {
        grown[i] = new LongAdder();
      }
      causes = grown;
    }
  }

  /**
   * Tallies a failure match by its cause. Allocation-free; a verdict of rules newer than this
   * slot's tally (a reload racing with the request) goes uncounted rather than misplaced.
   */
  void countCause(Verdict v) {
    LongAdder[] c = causes;
    int i = v.causeIndex;
    if (i < c.length) {
      c[i].increment();
    }
  }

  /** The causes tallied at least once. */
  Map<TokenSnapshot.Cause, Long> causeTotals() {
    LongAdder[] c = causes;
    Map<TokenSnapshot.Cause, Long> out = null;
    for (int i = 0; i < c.length; i++) {
      long n = c[i].sum();
      if (n != 0) {
        if (out == null) {
          out = new HashMap<>();
        }
        out.put(new TokenSnapshot.Cause(i / ACTIONS.length - 1, ACTIONS[i % ACTIONS.length]), n);
      }
    }
    return out == null ? Map.of() : out;
  }

  /**
   * The slots of {@code tokens}, in order: the slot in {@code old} of a token that stays (with
   * its new weight), a new one for a new token; each with room to tally {@code conditions}
   * conditions.
   *
   * @throws IllegalArgumentException when the list is empty or names a token twice
   */
  static Slot[] all(TokenPool pool, List<TokenSpec> tokens, Map<String, Slot> old,
      int conditions) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("pool " + pool.name() + " needs at least one token");
    }
    Slot[] out = new Slot[tokens.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < out.length; i++) {
      TokenSpec t = tokens.get(i);
      if (!seen.add(t.fingerprint())) {
        throw new IllegalArgumentException("pool " + pool.name() + ": token " + i + " ("
            + t.id() + ") is listed twice");
      }
      Slot s = old.get(t.fingerprint());
      if (s == null) {
        s = new Slot(pool, t, pool.auth());
      } else {
        s.weight = t.weight();
      }
      s.tallyConditions(conditions);
      out[i] = s;
    }
    return out;
  }

  long word() {
    return (long) WORD.getAcquire(this);
  }

  boolean cas(long expect, long update) {
    return WORD.compareAndSet(this, expect, update);
  }

  static int state(long w) {
    return (int) (w & STATE_MASK);
  }

  static int failures(long w) {
    return (int) ((w & FAILURE_MASK) >>> 2);
  }

  static int epoch(long w) {
    return (int) (w >>> 32);
  }

  static long word(int epoch, int failures, int state) {
    return ((long) epoch << 32) | ((long) failures << 2) | state;
  }

  /** {@code w} with one more failure, saturating. */
  static long plusFailure(long w) {
    return failures(w) >= MAX_FAILURES ? w : w + FAILURE_UNIT;
  }

  static long withState(long w, int state) {
    return (w & ~STATE_MASK) | state;
  }

  static long withoutFailures(long w) {
    return w & ~FAILURE_MASK;
  }

  /** Starts a new recovery chain, stopping the old one; returns the new chain's id. */
  long newChain() {
    long next = chain.incrementAndGet();
    Cancellable p = pending;
    pending = null;
    if (p != null) {
      p.cancel();
    }
    probePasses = 0;
    nextEventAt = NONE;
    return next;
  }

  /** Moves the cooldown deadline to {@code deadline} unless it is already later. */
  void extendCooldown(long deadline) {
    long current = cooldownUntil.get();
    while ((current == NONE || deadline - current > 0)
        && !cooldownUntil.compareAndSet(current, deadline)) {
      current = cooldownUntil.get();
    }
  }

  /** How long the cooldown deadline still holds the token back at {@code now}; 0 when not. */
  long cooldownLeft(long now) {
    long until = cooldownUntil.get();
    return until == NONE ? 0 : Math.max(0, until - now);
  }

  /** Whether {@code id} is still the live chain and the token still waits to come back. */
  boolean inChain(long id) {
    return chain.get() == id && state(word()) == EJECTED;
  }

  TokenState publicState() {
    return switch (state(word())) {
      case HEALTHY -> TokenState.HEALTHY;
      case EJECTED -> TokenState.EJECTED;
      default -> TokenState.DISABLED;
    };
  }

  @Override
  public String toString() {
    return "Slot[" + id + "]";
  }
}
