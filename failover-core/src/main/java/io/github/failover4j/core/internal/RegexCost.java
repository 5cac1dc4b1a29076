package io.github.failover4j.core.internal;

/**
 * Bounds what one regex may cost. RE2 runs in time linear in the input, but the factor is the
 * number of states alive at once, and counted repetition multiplies them: {@code a{1000}b} keeps
 * up to a thousand states alive per input byte (seconds on a 64 KiB body of {@code a}s), and
 * {@code ((a{100}){100}){100}} compiles to a program of a million instructions. This estimates
 * the size of the expanded program (counting each literal, class, anchor, group, alternative and
 * operator once, and a counted repetition as that many copies of what it repeats) and rejects a
 * pattern whose counted repetitions add more than {@link #MAX_REPEATED} to it, or whose
 * expanded size is over {@link #MAX_SIZE}. Judging one body then keeps at most about {@code
 * MAX_REPEATED} repeated states alive per byte of its (capped) prefix.
 */
public final class RegexCost {
  /** The largest expanded program accepted. */
  public static final int MAX_SIZE = 1000;
  /** The most that counted repetitions ({@code {n}}, {@code {n,m}}) may add to a program. */
  public static final int MAX_REPEATED = 100;

  private final String re;
  private final boolean expand;
  private int at;

  private RegexCost(String re, boolean expand) {
    this.re = re;
    this.expand = expand;
  }

  /**
   * Why {@code regex} is too costly, e.g. {@code "is too costly: its counted repetition adds
   * 999 states (the limit is 100)…"}; null when it is not. The regex is assumed to compile
   * (this does not validate it).
   */
  public static String problem(String regex) {
    long size = size(regex);
    long repeated = size - new RegexCost(regex, false).alternation();
    if (repeated > MAX_REPEATED) {
      return "is too costly: its counted repetition adds " + show(repeated)
          + " states to check at every body byte (the limit is " + MAX_REPEATED
          + "); use smaller {n} repeats, or .* between literals";
    }
    return size <= MAX_SIZE ? null : "is too large: it expands to " + show(size)
        + " steps (the limit is " + MAX_SIZE + ")";
  }

  private static String show(long n) {
    return n >= Integer.MAX_VALUE ? "over 2^31" : String.valueOf(n);
  }

  /** The estimated size of the expanded program, saturating at {@link Integer#MAX_VALUE}. */
  static long size(String regex) {
    return new RegexCost(regex, true).alternation();
  }

  private long alternation() {
    long total = sequence();
    while (at < re.length() && re.charAt(at) == '|') {
      at++;
      total = add(add(total, sequence()), 1);
    }
    return total;
  }

  private long sequence() {
    long total = 0;
    while (at < re.length() && re.charAt(at) != '|' && re.charAt(at) != ')') {
      long atom = atom();
      total = add(total, quantified(atom));
    }
    return total;
  }

  /** One atom: a group, a class, an escape or a character. */
  private long atom() {
    char c = re.charAt(at++);
    if (c == '(') {
      if (at < re.length() && re.charAt(at) == '?') { // (?:…), (?i), (?P<name>…)
        while (at < re.length() && re.charAt(at) != ':' && re.charAt(at) != ')') {
          at++;
        }
        if (at < re.length() && re.charAt(at) == ')') {
          at++;
          return 0; // a flag group such as (?i)
        }
        at++;
      }
      long inner = alternation();
      if (at < re.length()) {
        at++; // ')'
      }
      return add(inner, 1);
    }
    if (c == '[') {
      if (at < re.length() && re.charAt(at) == '^') {
        at++;
      }
      if (at < re.length() && re.charAt(at) == ']') {
        at++;
      }
      while (at < re.length() && re.charAt(at) != ']') {
        if (re.charAt(at) == '\\') {
          at++;
        } else if (re.startsWith("[:", at)) {
          int end = re.indexOf(":]", at + 2);
          at = end < 0 ? at : end + 1;
        }
        at++;
      }
      at++; // ']'
      return 1;
    }
    if (c == '\\' && at < re.length()) {
      char e = re.charAt(at++);
      if (e == 'Q') { // \Q…\E: a literal run
        int end = re.indexOf("\\E", at);
        int stop = end < 0 ? re.length() : end;
        long n = stop - at;
        at = end < 0 ? re.length() : end + 2;
        return n;
      }
      if ((e == 'p' || e == 'P') && at < re.length() && re.charAt(at) == '{') {
        int end = re.indexOf('}', at);
        at = end < 0 ? re.length() : end + 1;
      }
      return 1;
    }
    return 1;
  }

  /** Applies the quantifiers that follow an atom of {@code size}. */
  private long quantified(long size) {
    while (at < re.length()) {
      char q = re.charAt(at);
      if (q == '*' || q == '+' || q == '?') {
        at++;
        size = add(size, 1);
      } else if (q == '{' && isRepeat()) {
        int close = re.indexOf('}', at);
        String body = re.substring(at + 1, close);
        at = close + 1;
        int comma = body.indexOf(',');
        long min = comma < 0 ? Long.parseLong(body) : Long.parseLong(body.substring(0, comma));
        long max = comma < 0 ? min : comma == body.length() - 1 ? min + 1
            : Long.parseLong(body.substring(comma + 1));
        size = expand ? mul(size, Math.max(1, max)) : add(size, 1);
      } else {
        break;
      }
      if (at < re.length() && re.charAt(at) == '?') {
        at++; // lazy
      }
    }
    return size;
  }

  /** Whether a {@code {} at {@link #at} starts {@code {n}}, {@code {n,}} or {@code {n,m}}. */
  private boolean isRepeat() {
    int close = re.indexOf('}', at);
    return close > at + 1 && re.substring(at + 1, close).matches("\\d{1,9}(,\\d{0,9})?");
  }

  private static long add(long a, long b) {
    return Math.min(Integer.MAX_VALUE, a + b);
  }

  private static long mul(long a, long b) {
    return a == 0 ? 0 : b > Integer.MAX_VALUE / a ? Integer.MAX_VALUE : Math.min(Integer.MAX_VALUE,
        a * b);
  }
}
