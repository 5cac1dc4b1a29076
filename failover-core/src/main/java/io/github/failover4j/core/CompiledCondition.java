package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Condition} prepared for the request path: statuses as a bit set, header names
 * lower-cased once, the body pattern compiled once, and its failure {@link Verdict} built
 * once so judging allocates nothing.
 */
final class CompiledCondition {
  private final long[] statusBits;
  private final String[] headerNames;
  private final String[] headerValues;
  private final BodyMatcher body;
  final Verdict verdict;

  CompiledCondition(Condition c, int index, String reason) {
    if (c.statusCodes().isEmpty()) {
      statusBits = null;
    } else {
      statusBits = new long[10];
      for (int s : c.statusCodes()) {
        statusBits[s >>> 6] |= 1L << s;
      }
    }
    int n = c.headers().size();
    headerNames = new String[n];
    headerValues = new String[n];
    for (int i = 0; i < n; i++) {
      String h = c.headers().get(i);
      int eq = h.indexOf('=');
      headerNames[i] = (eq < 0 ? h : h.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      headerValues[i] = eq < 0 ? null : h.substring(eq + 1);
    }
    body = c.body() == null ? null : new BodyMatcher(c.body());
    verdict = Verdict.forCondition(c.action(), reason, c.cooldown(), index);
  }

  boolean hasBodyClause() {
    return body != null;
  }

  /** Whether the status and header clauses hold (the cheap part). */
  boolean statusAndHeadersHold(ResponseView r) {
    if (statusBits != null) {
      int s = r.status();
      if (s < 0 || s >= 640 || (statusBits[s >>> 6] & (1L << s)) == 0) {
        return false;
      }
    }
    for (int i = 0; i < headerNames.length; i++) {
      if (!headerHolds(r, headerNames[i], headerValues[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean headerHolds(ResponseView r, String name, String value) {
    String first = r.header(name);
    if (first == null) {
      return false;
    }
    if (value == null || value.equals(first)) {
      return true;
    }
    List<String> all = r.headers(name);
    return all.size() > 1 && all.contains(value);
  }

  /** Whether the body clause holds for this prefix; true when there is none. */
  boolean bodyHolds(byte[] prefix) {
    return body == null || body.find(prefix);
  }
}
