package io.github.failover4j.core;

import java.util.Objects;

/**
 * The judgement of one response: its {@link Outcome} and, for a failure, which condition
 * matched. The engine pre-builds one verdict per condition, so judging a response allocates
 * nothing.
 */
public final class Verdict {

  /** No failure condition matched. */
  public static final Verdict SUCCESS = new Verdict(Outcome.SUCCESS, "");

  /** The request never got a response (refused, reset, timeout). */
  public static final Verdict TRANSPORT_ERROR = new Verdict(Outcome.TRANSPORT_ERROR, "");

  private final Outcome outcome;
  private final String reason;

  private Verdict(Outcome outcome, String reason) {
    this.outcome = outcome;
    this.reason = reason;
  }

  /**
   * A failure with a reason, e.g. the condition that matched or the name of a custom check.
   * Build it once and reuse it: the reason shows up in snapshots and events.
   */
  public static Verdict failure(String reason) {
    return new Verdict(Outcome.FAILURE, Objects.requireNonNull(reason, "reason"));
  }

  /** What the response says about its token. */
  public Outcome outcome() {
    return outcome;
  }

  /** Why it is a failure; empty for a success or a transport error. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason.isEmpty() ? outcome.toString() : outcome + " (" + reason + ")";
  }
}
