package io.github.failover4j.core;

import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenListener;
import io.github.failover4j.spi.Transport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tokens of one provider and their failover state machine (SPEC §4).
 *
 * <p>A request {@linkplain #select() selects} a healthy token, sends with it, and reports the
 * response through the {@link TokenHandle}. After {@code failureThreshold} consecutive
 * failures the token is ejected; if the pool has a health check it is probed every period and
 * restored after {@code successThreshold} consecutive passes, or restored when its cooldown
 * ends. Selection and reporting take no lock and allocate nothing: selection reads an
 * immutable snapshot of the healthy tokens; a success on a token with no failures writes
 * nothing but its request total (a {@link java.util.concurrent.atomic.LongAdder}).
 *
 * <pre>{@code
 * TokenPool pool = TokenPool.builder("openai")
 *     .tokens("sk-a…", "sk-b…", "sk-c…")
 *     .config(config)
 *     .upstream(URI.create("https://api.openai.com"))
 *     .transport(Transports.open("jdk"))
 *     .build();
 * TokenHandle token = pool.select();
 * // … send with token.authorization() in the Authorization header …
 * token.report(responseView);
 * }</pre>
 *
 * <p>The pool starts no thread and reads no wall clock: probes and cooldowns run on the
 * host's {@link Scheduler}, time comes from its {@link Ticker}. Close the pool to cancel them.
 */
public final class TokenPool implements AutoCloseable {
  private static final VarHandle HEALTHY;
  private static final int STRIPE_PAD = 16;

  static {
    try {
      HEALTHY = MethodHandles.lookup().findVarHandle(TokenPool.class, "healthy", Healthy.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final URI upstream;
  private final Auth auth;
  final Scheduler scheduler;
  final Ticker ticker;
  final ProbeTransport prober;
  final Events events;
  private final Recovery recovery;
  final Fleet fleet;

  private volatile Settings settings;
  private volatile Slot[] slots;
  @SuppressWarnings("unused") // accessed through HEALTHY
  private volatile Healthy healthy;
  /** Tokens that are not healthy (ejected or disabled); bounded by {@link #ejectionLimit}. */
  private final AtomicInteger notHealthy = new AtomicInteger();
  private final AtomicBoolean limitReported = new AtomicBoolean();
  private volatile int ejectionLimit;
  private final Clock wallClock;
  /** Counts state transitions; a snapshot built after reading it includes them all. */
  private final AtomicLong transitions = new AtomicLong();
  /** Per-thread-stripe round-robin positions, padded apart; racy by design. */
  private final int[] cursors;
  private final int stripeMask;
  private final Object reloadLock = new Object();
  volatile boolean closed;

  private TokenPool(Builder b) {
    this.name = b.name;
    this.upstream = b.upstream;
    this.auth = b.auth;
    this.scheduler = b.scheduler;
    this.ticker = b.ticker;
    this.prober = b.prober;
    this.events = new Events(name, b.listeners);
    this.settings = new Settings(b.config, upstream);
    this.wallClock = b.wallClock;
    this.slots = Slot.all(this, b.tokens, Map.of(), b.config.failure().conditions().size());
    this.ejectionLimit = b.config.ejection().limit(slots.length);
    int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1;
    this.stripeMask = Math.min(stripes, 64) - 1;
    this.cursors = new int[(stripeMask + 1) * STRIPE_PAD];
    this.recovery = new Recovery(this);
    this.healthy = Healthy.of(0, slots);
    this.fleet = b.fleet == null ? Fleet.NONE : new Fleet(this, wallClock);
  }

  /** A builder for a pool named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The pool's name. */
  public String name() {
    return name;
  }

  /** The header that carries the token, e.g. {@code Authorization: Bearer}. */
  public Auth auth() {
    return auth;
  }

  /** The provider's base URI, or {@code null} when none was given. */
  public URI upstream() {
    return upstream;
  }

  /** The configuration in force. */
  public FailoverConfig config() {
    return settings.config;
  }

  Settings settingsForRecovery() {
    return settings;
  }

  /** The host's monotonic clock this pool reads. */
  public Ticker ticker() {
    return ticker;
  }

  // ---------------------------------------------------------------- the request path

  /**
   * Picks a healthy token. Lock-free and allocation-free.
   *
   * @throws NoHealthyTokenException when no token is healthy and the policy is {@link
   *     WhenAllEjected#FAIL}, or every token is disabled
   */
  public TokenHandle select() {
    Healthy h = (Healthy) HEALTHY.getAcquire(this);
    TokenHandle[] handles = h.handles;
    if (handles.length == 0) {
      return selectWhenNoneHealthy(h);
    }
    return switch (settings.config.selection()) {
      case ROUND_ROBIN -> handles[nextCursor(handles.length)];
      case WEIGHTED -> handles[h.wheel[nextCursor(h.wheel.length)]];
      case RANDOM -> handles[ThreadLocalRandom.current().nextInt(handles.length)];
    };
  }

  TokenHandle[] healthyHandles() {
    return ((Healthy) HEALTHY.getAcquire(this)).handles;
  }

  /** The next position in {@code [0, n)} of this thread's stripe; no division, no CAS. */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() needs Java 19
  int nextCursor(int n) {
    int at = ((int) Thread.currentThread().getId() & stripeMask) * STRIPE_PAD;
    int current = cursors[at];
    if (current >= n) {
      current = 0; // the healthy set shrank, or the cursor went round
    }
    cursors[at] = current + 1;
    return current;
  }

  private TokenHandle selectWhenNoneHealthy(Healthy h) {
    return switch (settings.config.whenAllEjected()) {
      case FAIL -> throw Views.noHealthyToken(name, settings, slots, ticker.nanoTime());
      case USE_ALL -> {
        if (h.usable.length == 0) {
          throw Views.noHealthyToken(name, settings, slots, ticker.nanoTime());
        }
        yield h.usable[nextCursor(h.usable.length)];
      }
      case LEAST_RECENTLY_EJECTED -> {
        TokenHandle best = null;
        for (TokenHandle t : h.usable) {
          if (best == null || t.slot.ejectedAt - best.slot.ejectedAt < 0) {
            best = t;
          }
        }
        if (best == null) {
          throw Views.noHealthyToken(name, settings, slots, ticker.nanoTime());
        }
        yield best;
      }
    };
  }

  /**
   * Whether judging this response will read its body: true only when the first condition whose
   * status and header clauses hold has a body clause. When false, an adapter hands the body to
   * its caller untouched.
   */
  public boolean needsBody(ResponseView response) {
    return settings.failure.needsBody(response);
  }

  /** Judges a response with the failure rules: the first matching condition, or success. */
  public Verdict classify(ResponseView response) {
    return settings.failure.classify(response);
  }

  /** The number of body bytes the rules look at. */
  public int maxBodyBytes() {
    return settings.failure.maxBodyBytes();
  }

  void record(TokenHandle h, Verdict v) {
    apply(h, v, v.action() == Action.COOLDOWN ? v.cooldown().defaultDuration().toNanos() : 0);
  }

  Verdict report(TokenHandle h, ResponseView response) {
    Verdict v = settings.failure.classify(response);
    apply(h, v, v.action() == Action.COOLDOWN
        ? RateLimits.cooldownNanos(v.cooldown(), response, wallClock) : 0);
    return v;
  }

  private void apply(TokenHandle h, Verdict v, long cooldownNanos) {
    Slot s = h.slot;
    s.requests.increment();
    switch (v.outcome()) {
      case SUCCESS -> recordSuccess(s, h.epoch);
      case FAILURE -> {
        s.failures.increment();
        s.countCause(v);
        if (s.lastFailureReason != v.reason()) { // verdicts are shared: skip the fence if same
          s.lastFailureReason = v.reason();
        }
        if (v.action() == Action.COUNT) {
          countFailure(s, h.epoch, v);
        } else {
          ejectAtOnce(s, h.epoch, v, cooldownNanos);
        }
      }
      case IGNORED -> s.countCause(v);
      case TRANSPORT_ERROR -> { }
    }
  }

  private static void recordSuccess(Slot s, int epoch) {
    long w = s.word();
    while (Slot.failures(w) != 0 && Slot.epoch(w) == epoch && Slot.state(w) == Slot.HEALTHY) {
      if (s.cas(w, Slot.withoutFailures(w))) {
        return;
      }
      w = s.word();
    }
  }

  /** A {@code count} failure: ejects at the threshold, unless the ejection limit is reached. */
  private void countFailure(Slot s, int epoch, Verdict v) {
    int threshold = settings.failureThreshold();
    long w = s.word();
    while (Slot.epoch(w) == epoch && Slot.state(w) == Slot.HEALTHY) {
      long next = Slot.plusFailure(w);
      if (Slot.failures(next) < threshold) {
        if (s.cas(w, next)) {
          return;
        }
      } else if (!reserveEjection()) {
        if (s.cas(w, next)) { // over the limit: stays in, still counting
          limited(s);
          return;
        }
      } else if (s.cas(w, Slot.withState(next, Slot.EJECTED))) {
        ejected(s, v, 0);
        return;
      } else {
        notHealthy.decrementAndGet(); // lost the race: give the reservation back
      }
      w = s.word();
    }
  }

  /** An {@code eject} or {@code cooldown} failure: out at once, whatever the count or limit. */
  private void ejectAtOnce(Slot s, int epoch, Verdict v, long cooldownNanos) {
    long w = s.word();
    while (Slot.epoch(w) == epoch) {
      int state = Slot.state(w);
      if (state == Slot.HEALTHY) {
        if (s.cas(w, Slot.withState(Slot.plusFailure(w), Slot.EJECTED))) {
          notHealthy.incrementAndGet();
          ejected(s, v, cooldownNanos);
          return;
        }
      } else {
        if (state == Slot.EJECTED && cooldownNanos > 0) {
          // a later response may push the deadline out, never pull it in
          long deadline = ticker.nanoTime() + cooldownNanos;
          s.extendCooldown(deadline);
          if (s.ejectedBy == Action.COOLDOWN) {
            s.nextEventAt = Math.max(s.nextEventAt, deadline);
          }
        }
        return;
      }
      w = s.word();
    }
  }

  /** Takes a place under the ejection limit; false when the limit is reached. */
  private boolean reserveEjection() {
    int limit = ejectionLimit;
    int o = notHealthy.get();
    while (o < limit) {
      if (notHealthy.compareAndSet(o, o + 1)) {
        return true;
      }
      o = notHealthy.get();
    }
    return false;
  }

  /** Tells listeners once per episode that the limit held an ejection back. */
  private void limited(Slot s) {
    if (limitReported.compareAndSet(false, true)) {
      events.emit(TokenEvent.Kind.EJECTION_LIMITED, s, "maxEjectionPercent "
          + settings.config.ejection().maxEjectionPercent() + "% reached: " + notHealthy.get() + " of "
          + slots.length + " tokens are out; the provider, not the keys, is likely failing",
          ticker.nanoTime());
    }
  }

  /** Side effects of an ejection, run once by the thread that won the transition. */
  private void ejected(Slot s, Verdict v, long cooldownNanos) {
    long now = ticker.nanoTime();
    s.ejectedAt = now;
    s.ejectedBy = v.action();
    s.ejections.increment();
    String reason = v.reason();
    long outFor = 0;
    if (v.action() == Action.COOLDOWN) {
      s.extendCooldown(now + cooldownNanos);
      reason += " (cooling down for " + Duration.ofNanos(s.cooldownLeft(now)).toMillis() + " ms)";
    } else {
      EjectionPolicy policy = settings.config.ejection();
      if (policy.backsOff()) {
        int level = Backoff.level(s, policy, now);
        s.backoffLevel = level;
        outFor = Backoff.outFor(policy, level);
        reason += " (back-off level " + level + ", out for at least "
            + Duration.ofNanos(outFor).toMillis() + " ms)";
      }
    }
    refreshHealthy();
    events.emit(TokenEvent.Kind.EJECTED, s, reason, now);
    recovery.start(s, outFor);
    fleet.ejected(s, outFor);
  }

  /** After a transition the fleet made here: the snapshot is rebuilt, listeners told. */
  void tookOut(Slot s, String reason, long minOutNanos) {
    refreshHealthy();
    events.emit(TokenEvent.Kind.EJECTED, s, reason, ticker.nanoTime());
    recovery.start(s, minOutNanos);
  }


  /**
   * {@code HEALTHY} or {@code EJECTED} (or {@code DISABLED} too with {@code fromAny}) → {@code
   * to}, ending the token's recovery; returns the state it left, or -1 when it was in none.
   */
  int takeOut(Slot s, int to, boolean fromAny) {
    long w = s.word();
    while (Slot.state(w) == Slot.HEALTHY || Slot.state(w) == Slot.EJECTED
        || (fromAny && Slot.state(w) == Slot.DISABLED)) {
      s.newChain(); // before the CAS, so it cannot end a chain started after it
      if (s.cas(w, Slot.withState(w, to))) {
        if (Slot.state(w) == Slot.HEALTHY) {
          notHealthy.incrementAndGet();
          s.ejectedAt = ticker.nanoTime();
        }
        return Slot.state(w);
      }
      w = s.word();
    }
    return -1;
  }

  /**
   * {@code EJECTED} (or {@code DISABLED}, by an operator) → {@code HEALTHY}, new epoch. An
   * automatic restore waits for the token's cooldown deadline; an operator's (or the
   * fleet's) does not, and leaves {@code DISABLED} too.
   */
  boolean restore(Slot s, Fleet.Cause cause, String reason) {
    boolean any = cause == Fleet.Cause.OPERATOR || cause == Fleet.Cause.FLEET;
    long w = s.word();
    while (Slot.state(w) == Slot.EJECTED || (any && Slot.state(w) == Slot.DISABLED)) {
      int epoch = Slot.epoch(w) + 1;
      s.handle = new TokenHandle(this, s, epoch);
      // end recovery before the token is back: after the CAS a new ejection may start its own
      s.newChain();
      if (s.cas(w, Slot.word(epoch, 0, Slot.HEALTHY))) {
        notHealthy.decrementAndGet();
        s.restores.increment();
        s.cooldownUntil.set(Slot.NONE);
        s.restoredAt = ticker.nanoTime();
        limitReported.set(false);
        refreshHealthy();
        events.emit(TokenEvent.Kind.RESTORED, s, reason, ticker.nanoTime());
        fleet.restored(s, cause);
        return true;
      }
      w = s.word();
    }
    return false;
  }

  /**
   * Rebuilds the healthy snapshot until it reflects every transition counted so far. Lock-free:
   * a rebuild that loses the race to a newer one retries only if its transitions are not yet in.
   */
  private void refreshHealthy() {
    transitions.incrementAndGet();
    while (true) {
      long seen = transitions.get();
      Healthy current = (Healthy) HEALTHY.getAcquire(this);
      if (current.version >= seen) {
        return;
      }
      Healthy next = Healthy.of(seen, slots);
      HEALTHY.compareAndSet(this, current, next);
    }
  }

  // ---------------------------------------------------------------- operator actions

  /**
   * Takes a token out of rotation until {@link #restore(String)}: {@code DISABLED} is never
   * left automatically.
   *
   * @param fingerprint the token's fingerprint, as in {@link #snapshot()}
   * @return whether the token changed state (false when it was already disabled)
   * @throws IllegalArgumentException when no token has this fingerprint
   */
  public boolean disable(String fingerprint) {
    return disable(slot(fingerprint), true);
  }

  /** {@code publish}: false when the fleet disabled the token, true for this operator's. */
  boolean disable(Slot s, boolean publish) {
    if (takeOut(s, Slot.DISABLED, false) < 0) {
      return false;
    }
    s.ejectedBy = null;
    refreshHealthy();
    events.emit(TokenEvent.Kind.DISABLED, s,
        publish ? "by an operator" : "by an operator, on another replica", ticker.nanoTime());
    if (publish) {
      fleet.disabled(s);
    }
    return true;
  }

  /**
   * Puts an ejected or disabled token back into rotation at once, with no failures and a new
   * epoch.
   *
   * @return whether the token changed state (false when it was healthy)
   * @throws IllegalArgumentException when no token has this fingerprint
   */
  public boolean restore(String fingerprint) {
    return restore(slot(fingerprint), Fleet.Cause.OPERATOR, "by an operator");
  }

  Slot[] slots() {
    return slots;
  }

  private Slot slot(String fingerprint) {
    for (Slot s : slots) {
      if (s.fingerprint.equals(fingerprint)) {
        return s;
      }
    }
    throw new IllegalArgumentException("pool " + name + " has no token with fingerprint '"
        + fingerprint + "'");
  }

  /** A read-only view of every token, in configuration order. */
  public List<TokenSnapshot> snapshot() {
    return Views.snapshot(slots, ticker.nanoTime());
  }

  /**
   * A read-only view of one token, or empty when no token of the pool has this fingerprint
   * (e.g. a reload removed it). Cheaper than {@link #snapshot()} for one token, as a metrics
   * binder reading one meter needs.
   */
  public Optional<TokenSnapshot> snapshot(String fingerprint) {
    for (Slot s : slots) {
      if (s.fingerprint.equals(fingerprint)) {
        return Optional.of(Views.view(s, ticker.nanoTime()));
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- reload and close

  /**
   * Replaces the tokens and rules. Tokens that stay (same fingerprint) keep their state and
   * totals; removed tokens are dropped and their probes cancelled; new tokens start {@code
   * HEALTHY}. Ejected tokens that stay restart their recovery under the new rules.
   *
   * @throws IllegalArgumentException when the token list is empty or has duplicates
   */
  public void reload(List<TokenSpec> tokens, FailoverConfig config) {
    Objects.requireNonNull(config, "config");
    synchronized (reloadLock) { // operators only; the request path never takes it
      Settings next = new Settings(config, upstream);
      Map<String, Slot> old = new HashMap<>();
      for (Slot s : slots) {
        old.put(s.fingerprint, s);
      }
      Slot[] fresh = Slot.all(this, tokens, old, config.failure().conditions().size());
      Set<Slot> kept = new HashSet<>(List.of(fresh));
      settings = next;
      slots = fresh;
      ejectionLimit = config.ejection().limit(fresh.length);
      for (Slot s : old.values()) {
        if (!kept.contains(s)) {
          remove(s);
        }
      }
      for (Slot s : fresh) {
        if (Slot.state(s.word()) == Slot.EJECTED) {
          recovery.start(s, 0);
        }
      }
      refreshHealthy();
    }
  }

  private void remove(Slot s) {
    long w = s.word();
    while (!s.cas(w, Slot.withState(w, Slot.REMOVED))) {
      w = s.word();
    }
    if (Slot.state(w) != Slot.HEALTHY) {
      notHealthy.decrementAndGet();
    }
    s.newChain();
  }

  /** Cancels every scheduled probe and cooldown. Selection keeps working. */
  @Override
  public void close() {
    closed = true;
    for (Slot s : slots) {
      s.newChain();
    }
    fleet.close();
  }

  @Override
  public String toString() {
    return "TokenPool[" + name + ", " + slots.length + " tokens, "
        + ((Healthy) HEALTHY.getAcquire(this)).handles.length + " healthy]";
  }

  /** Builds a {@link TokenPool}. */
  public static final class Builder {
    private final String name;
    private final List<TokenSpec> tokens = new ArrayList<>();
    private final List<TokenListener> listeners = new ArrayList<>();
    private FailoverConfig config;
    private URI upstream;
    private Auth auth = Auth.BEARER;
    private Scheduler scheduler;
    private Ticker ticker = Ticker.SYSTEM;
    private ProbeTransport prober;
    private Clock wallClock = Clock.systemUTC();
    private FleetSync fleet;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds tokens of weight 1. */
    public Builder tokens(String... secrets) {
      for (String s : secrets) {
        tokens.add(TokenSpec.of(s));
      }
      return this;
    }

    /** Adds tokens. */
    public Builder tokens(List<TokenSpec> specs) {
      tokens.addAll(specs);
      return this;
    }

    /** The failover rules; required. */
    public Builder config(FailoverConfig config) {
      this.config = config;
      return this;
    }

    /** The provider's base URI; required with a health check (probes go there). */
    public Builder upstream(URI upstream) {
      this.upstream = upstream;
      return this;
    }

    /** The header that carries the token; default {@link Auth#BEARER}. */
    public Builder auth(Auth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Takes the prober, scheduler and ticker of a transport (the caller still closes it). */
    public Builder transport(Transport transport) {
      return prober(transport.prober()).scheduler(transport.scheduler())
          .ticker(transport.ticker());
    }

    /** The host timer; required with a health check or a cooldown. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** The host clock; default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The host's wall clock, read only to turn a rate-limit reset given as a date into a
     * wait when the response has no {@code Date} header; default {@link Clock#systemUTC()}.
     */
    public Builder wallClock(Clock wallClock) {
      this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
      return this;
    }

    /**
     * Shares this pool's token state with the other replicas of a gateway through {@code
     * fleet} (SPEC §8): ejections, operator actions and cooldown deadlines reach every
     * replica, and one replica at a time probes an ejected token. Selection and reports stay
     * lock-free and allocation-free; the fleet publishes off the request path.
     */
    public Builder fleet(FleetSync fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
      return this;
    }

    /** Sends probes; required with a health check. */
    public Builder prober(ProbeTransport prober) {
      this.prober = prober;
      return this;
    }

    /** Adds a listener for token events. */
    public Builder listener(TokenListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the pool; every token starts {@code HEALTHY}.
     *
     * @throws IllegalStateException naming what is missing, e.g. a prober for a health check
     * @throws IllegalArgumentException when the tokens are empty or duplicated
     */
    public TokenPool build() {
      List<String> missing = new ArrayList<>();
      if (config == null) {
        missing.add("config");
      } else {
        if (config.healthCheck() != null) {
          if (prober == null) {
            missing.add("a prober (the config has a health check)");
          }
          if (upstream == null) {
            missing.add("an upstream URI (the config has a health check)");
          }
        }
        if ((config.healthCheck() != null || config.cooldown() != null) && scheduler == null) {
          missing.add("a scheduler (the config has a health check or cooldown)");
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("pool " + name + " needs " + String.join(", ", missing));
      }
      TokenPool pool = new TokenPool(this);
      if (fleet != null) {
        pool.fleet.join(fleet); // once built: the fleet may apply states at once
      }
      return pool;
    }
  }
}
