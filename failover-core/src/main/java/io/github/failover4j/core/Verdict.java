package io.github.failover4j.core;

import java.util.Objects;

/**
 * The judgement of one response: its {@link Outcome}, the {@link Action} of the condition that
 * matched, and why. The engine pre-builds one verdict per condition, so judging a response
 * allocates nothing.
 */
public final class Verdict {

  /** No failure condition matched. */
  public static final Verdict SUCCESS =
      new Verdict(Outcome.SUCCESS, Action.COUNT, "", null, TokenSnapshot.Cause.CUSTOM);

  /** The request never got a response (refused, reset, timeout). */
  public static final Verdict TRANSPORT_ERROR =
      new Verdict(Outcome.TRANSPORT_ERROR, Action.COUNT, "", null, TokenSnapshot.Cause.CUSTOM);

  private final Outcome outcome;
  private final Action action;
  private final String reason;
  private final CooldownRule cooldown;
  /**
   * Where the pool tallies this verdict by cause (see {@link Slot#countCause}): {@code
   * (condition + 1) * ACTIONS + action}, precomputed so the request path only indexes.
   */
  final int causeIndex;

  private Verdict(Outcome outcome, Action action, String reason, CooldownRule cooldown,
      int condition) {
    this.outcome = outcome;
    this.action = action;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.cooldown = cooldown;
    this.causeIndex = Slot.causeIndex(condition, action);
  }

  /**
   * A failure that counts toward the threshold, with a reason (the condition that matched or
   * the name of a custom check). Build it once and reuse it: the reason shows up in snapshots
   * and events.
   */
  public static Verdict failure(String reason) {
    return of(Action.COUNT, reason);
  }

  /**
   * A verdict with the given action: {@link Action#IGNORE} gives {@link Outcome#IGNORED},
   * the others {@link Outcome#FAILURE}; a cooldown lasts {@link CooldownRule#DEFAULT}'s
   * default when recorded without a response to read it from.
   */
  public static Verdict of(Action action, String reason) {
    return forCondition(action, reason,
        action == Action.COOLDOWN ? CooldownRule.DEFAULT : null, TokenSnapshot.Cause.CUSTOM);
  }

  /** The verdict of the failure condition at {@code condition} in the pool's list. */
  static Verdict forCondition(Action action, String reason, CooldownRule cooldown,
      int condition) {
    return new Verdict(action == Action.IGNORE ? Outcome.IGNORED : Outcome.FAILURE, action,
        reason, cooldown, condition);
  }

  /** What the response says about its token. */
  public Outcome outcome() {
    return outcome;
  }

  /** What the matching condition does to the token; {@link Action#COUNT} for non-failures. */
  public Action action() {
    return action;
  }

  /** Why it is a failure; empty for a success or a transport error. */
  public String reason() {
    return reason;
  }

  /** The cooldown rule of a {@link Action#COOLDOWN}; {@code null} otherwise. */
  CooldownRule cooldown() {
    return cooldown;
  }

  @Override
  public String toString() {
    return reason.isEmpty() ? outcome.toString() : outcome + " (" + reason + ")";
  }
}
