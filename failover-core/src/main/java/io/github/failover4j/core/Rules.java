package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import java.util.List;

/**
 * A list of compiled conditions, OR across them. Judges in list order: the first condition
 * that holds wins. Inside a condition the status is checked first, then headers, and the body
 * only when both hold; the body is read at most once per response, and never when no
 * condition with a body clause gets that far.
 */
final class Rules {
  private static final byte[] NO_BODY = new byte[0];

  private final CompiledCondition[] conditions;
  private final int maxBodyBytes;

  Rules(List<Condition> conditions, String path, int maxBodyBytes) {
    this.conditions = new CompiledCondition[conditions.size()];
    for (int i = 0; i < conditions.size(); i++) {
      Condition c = conditions.get(i);
      this.conditions[i] = new CompiledCondition(c, i, path + "[" + i + "]: " + c.describe());
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The first condition that holds, or {@code null}. */
  CompiledCondition match(ResponseView r) {
    byte[] body = null;
    for (CompiledCondition c : conditions) {
      if (!c.statusAndHeadersHold(r)) {
        continue;
      }
      if (!c.hasBodyClause()) {
        return c;
      }
      if (body == null) {
        body = r.body(maxBodyBytes);
        if (body == null) {
          body = NO_BODY;
        }
      }
      if (c.bodyHolds(body)) {
        return c;
      }
    }
    return null;
  }

  /** Whether judging this response will read its body (see {@link TokenPool#needsBody}). */
  boolean needsBody(ResponseView r) {
    for (CompiledCondition c : conditions) {
      if (c.statusAndHeadersHold(r)) {
        if (!c.hasBodyClause()) {
          return false;
        }
        return true;
      }
    }
    return false;
  }

  /** The failure verdict of the first matching condition, or {@link Verdict#SUCCESS}. */
  Verdict classify(ResponseView r) {
    CompiledCondition c = match(r);
    return c == null ? Verdict.SUCCESS : c.verdict;
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }
}
