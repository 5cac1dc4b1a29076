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
    this.slots = newSlots(b.tokens, Map.of(), b.config.failure().conditions().size());
    this.ejectionLimit = b.config.ejection().limit(slots.length);
    int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1;
    this.stripeMask = Math.min(stripes, 64) - 1;
    this.cursors = new int[(stripeMask + 1) * STRIPE_PAD];
    this.recovery = new Recovery(this);
    this.healthy = Healthy.of(0, slots);
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
      case FAIL -> throw noHealthyToken();
      case USE_ALL -> {
        if (h.usable.length == 0) {
          throw noHealthyToken();
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
          throw noHealthyToken();
        }
        yield best;
      }
    };
  }

  private NoHealthyTokenException noHealthyToken() {
    long now = ticker.nanoTime();
    Settings st = settings;
    long extraProbes = st.health == null
        ? 0 : (st.config.healthCheck().successThreshold() - 1) * st.periodNanos;
    long earliest = Long.MAX_VALUE;
    for (Slot s : slots) {
      long at = s.nextEventAt;
      if (at != Slot.NONE && Slot.state(s.word()) == Slot.EJECTED) {
        earliest = Math.min(earliest, Math.max(0, at - now) + extraProbes);
      }
    }
    return new NoHealthyTokenException(name,
        earliest == Long.MAX_VALUE ? null : Duration.ofNanos(earliest));
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
  }

  /**
   * {@code EJECTED} (or {@code DISABLED}, by an operator) → {@code HEALTHY}, new epoch. An
   * automatic restore waits for the token's cooldown deadline; an operator's does not.
   */
  boolean restore(Slot s, boolean byOperator, String reason) {
    long w = s.word();
    while (Slot.state(w) == Slot.EJECTED || (byOperator && Slot.state(w) == Slot.DISABLED)) {
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
    Slot s = slot(fingerprint);
    long w = s.word();
    while (Slot.state(w) == Slot.HEALTHY || Slot.state(w) == Slot.EJECTED) {
      s.newChain(); // before the CAS, so it cannot end a chain started after it
      if (s.cas(w, Slot.withState(w, Slot.DISABLED))) {
        if (Slot.state(w) == Slot.HEALTHY) {
          notHealthy.incrementAndGet();
          s.ejectedAt = ticker.nanoTime();
        }
        s.ejectedBy = null;
        refreshHealthy();
        events.emit(TokenEvent.Kind.DISABLED, s, "by an operator", ticker.nanoTime());
        return true;
      }
      w = s.word();
    }
    return false;
  }

  /**
   * Puts an ejected or disabled token back into rotation at once, with no failures and a new
   * epoch.
   *
   * @return whether the token changed state (false when it was healthy)
   * @throws IllegalArgumentException when no token has this fingerprint
   */
  public boolean restore(String fingerprint) {
    return restore(slot(fingerprint), true, "by an operator");
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
    long now = ticker.nanoTime();
    Slot[] all = slots;
    List<TokenSnapshot> views = new ArrayList<>(all.length);
    for (Slot s : all) {
      views.add(view(s, now));
    }
    return views;
  }

  /**
   * A read-only view of one token, or empty when no token of the pool has this fingerprint
   * (e.g. a reload removed it). Cheaper than {@link #snapshot()} for one token, as a metrics
   * binder reading one meter needs.
   */
  public Optional<TokenSnapshot> snapshot(String fingerprint) {
    for (Slot s : slots) {
      if (s.fingerprint.equals(fingerprint)) {
        return Optional.of(view(s, ticker.nanoTime()));
      }
    }
    return Optional.empty();
  }

  private static TokenSnapshot view(Slot s, long now) {
    long w = s.word();
    int state = Slot.state(w);
    long next = s.nextEventAt;
    long cooldown = s.cooldownLeft(now);
    return new TokenSnapshot(s.id, s.fingerprint, s.weight, s.publicState(),
        Slot.failures(w),
        state != Slot.HEALTHY ? Duration.ofNanos(Math.max(0, now - s.ejectedAt)) : null,
        state == Slot.EJECTED && next != Slot.NONE ? Duration.ofNanos(Math.max(0, next - now))
            : null,
        state == Slot.EJECTED && cooldown > 0 ? Duration.ofNanos(cooldown) : null,
        state == Slot.EJECTED ? s.ejectedBy : null,
        s.backoffLevel,
        Secrets.scrub(s.lastFailureReason, s.secret, s.id), s.requests.sum(),
        s.failures.sum(), s.ejections.sum(), s.probes.sum(), s.restores.sum(),
        s.probesPassed.sum(), s.probesFailed.sum(), s.causeTotals());
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
      Slot[] fresh = newSlots(tokens, old, config.failure().conditions().size());
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

  private Slot[] newSlots(List<TokenSpec> tokens, Map<String, Slot> old, int conditions) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("pool " + name + " needs at least one token");
    }
    Slot[] out = new Slot[tokens.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < out.length; i++) {
      TokenSpec t = tokens.get(i);
      if (!seen.add(t.fingerprint())) {
        throw new IllegalArgumentException("pool " + name + ": token " + i + " (" + t.id()
            + ") is listed twice");
      }
      Slot s = old.get(t.fingerprint());
      if (s == null) {
        s = new Slot(this, t, auth);
      } else {
        s.weight = t.weight();
      }
      s.tallyConditions(conditions);
      out[i] = s;
    }
    return out;
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
      return new TokenPool(this);
    }
  }
}
