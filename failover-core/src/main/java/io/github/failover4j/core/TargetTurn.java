package io.github.failover4j.core;

import java.util.Arrays;

/**
 * One target's turn in a {@link FallbackPlan}: how many keys it tried, how many failed, and
 * the {@code count} failures not charged yet. {@link #settle} applies the charging rule when
 * the plan leaves the target: if every key tried failed (two at least), the failures are only
 * totalled and the target is in outage; otherwise they are charged to their keys.
 */
final class TargetTurn {
  private int tried;
  private int failed;
  private boolean answered;
  private boolean limited;
  private String lastReason;
  private TokenHandle[] tokens = new TokenHandle[4];
  private Verdict[] verdicts = new Verdict[4];
  private int deferred;

  void attempted() {
    tried++;
  }

  int tried() {
    return tried;
  }

  /** A key of the target answered (success, ignored, fallback): the keys are not the fault. */
  void answered() {
    answered = true;
  }

  /** A key of the target failed, or gave no answer. */
  void failed(String reason) {
    failed++;
    lastReason = reason;
  }

  /** A failure recorded at once; {@code limitedNow} when the ejection limit held it back. */
  void recorded(boolean limitedNow) {
    limited |= limitedNow;
  }

  /** A {@code count} failure, charged or forgiven when the turn is settled. */
  void defer(TokenHandle token, Verdict verdict) {
    if (deferred == tokens.length) {
      tokens = Arrays.copyOf(tokens, deferred * 2);
      verdicts = Arrays.copyOf(verdicts, deferred * 2);
    }
    tokens[deferred] = token;
    verdicts[deferred++] = verdict;
  }

  /**
   * Ends the turn by the charging rule and starts afresh; returns why the target is now in
   * outage, or {@code null} when it is not.
   */
  String settle(TokenPool pool) {
    String outage = null;
    if (tried == 0) {
      return null;
    }
    if (!answered && failed == tried && tried >= 2) {
      for (int i = 0; i < deferred; i++) { // totalled, not counted: the target, not the keys
        tokens[i].slot.requests.increment();
        tokens[i].slot.noteFailure(verdicts[i]);
      }
      outage = "every key tried in one request failed (" + tried + " keys; last: " + lastReason
          + ")";
    } else {
      for (int i = 0; i < deferred; i++) {
        limited |= tokens[i].pool().recordJudged(tokens[i], verdicts[i], null);
      }
      if (limited) {
        outage = "maxEjectionPercent of pool " + pool.name() + " held back an ejection";
      }
    }
    Arrays.fill(tokens, 0, deferred, null);
    Arrays.fill(verdicts, 0, deferred, null);
    deferred = 0;
    tried = 0;
    failed = 0;
    answered = false;
    limited = false;
    lastReason = null;
    return outage;
  }
}
