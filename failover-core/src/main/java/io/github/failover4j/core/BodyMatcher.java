package io.github.failover4j.core;

import com.google.re2j.Pattern;
import io.github.failover4j.core.internal.RegexCost;
import io.github.failover4j.core.internal.Render;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Searches a body prefix (UTF-8 bytes) for an RE2 pattern. A pattern that is a plain literal
 * (the common case, e.g. {@code No quota available}) skips the regex engine: the search looks
 * eight bytes at a time for the literal's rarest byte (for that example the capital {@code N})
 * and compares the whole literal only where that byte occurs, so ordinary text is scanned at
 * close to memory speed. Anything else runs RE2/J directly on the bytes, in linear time.
 */
final class BodyMatcher {
  private static final String META = "\\.+*?()|[]{}^$";
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  /** Lower-case letters from most to least frequent in English text. */
  private static final String LETTERS_BY_FREQUENCY = "etaoinshrdlcumwfgypbvkjxqz";

  private final String source;
  private final Pattern pattern;
  private final byte[] literal;
  private final int rareAt;

  /** @throws IllegalArgumentException when the pattern is too costly ({@link RegexCost}) */
  BodyMatcher(String regex) {
    String tooCostly = RegexCost.problem(regex);
    if (tooCostly != null) {
      throw new IllegalArgumentException("body pattern " + Render.quote(regex) + " " + tooCostly);
    }
    this.source = regex;
    this.pattern = Pattern.compile(regex);
    this.literal = isLiteral(regex) ? regex.getBytes(StandardCharsets.UTF_8) : null;
    this.rareAt = literal == null ? -1 : rarestByte(literal);
  }

  /** Whether the pattern occurs anywhere in {@code body}. */
  boolean find(byte[] body) {
    return literal != null ? indexOf(body, literal, rareAt) >= 0 : pattern.matcher(body).find();
  }

  @Override
  public String toString() {
    return "/" + source + "/";
  }

  static boolean isLiteral(String regex) {
    if (regex.isEmpty()) {
      return false;
    }
    for (int i = 0; i < regex.length(); i++) {
      if (META.indexOf(regex.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the needle byte least likely to occur in a response body: capitals, digits
   * and non-ASCII bytes before rare letters, rare letters before common ones, JSON punctuation
   * and spaces last.
   */
  static int rarestByte(byte[] needle) {
    int best = 0;
    int bestScore = -1;
    for (int i = 0; i < needle.length; i++) {
      int score = rarity(needle[i]);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  private static int rarity(byte b) {
    int c = b & 0xff;
    if (c >= 'a' && c <= 'z') {
      return 10 + LETTERS_BY_FREQUENCY.indexOf(c);
    }
    if (c == ' ' || c == '"' || c == ':' || c == ',' || c == '\n') {
      return 0;
    }
    if (c >= '0' && c <= '9') {
      return 40;
    }
    return c >= 'A' && c <= 'Z' ? 50 : 45; // other punctuation and UTF-8 bytes in between
  }

  /**
   * The first index of {@code needle} in {@code hay}, or -1. Finds candidates eight bytes at a
   * time: a word XORed with the rare byte repeated has a zero byte wherever that byte is, which
   * the classic has-zero-byte test flags (it may also flag a byte right after a real one; the
   * full comparison weeds those out).
   */
  static int indexOf(byte[] hay, byte[] needle, int rareAt) {
    int lastStart = hay.length - needle.length;
    if (lastStart < 0) {
      return -1;
    }
    byte rare = needle[rareAt];
    long repeated = (rare & 0xffL) * ONES;
    int at = rareAt;
    int end = lastStart + rareAt; // the last place the rare byte can usefully stand
    for (; at + 8 <= end + 1; at += 8) {
      long word = (long) LONGS.get(hay, at) ^ repeated;
      long hits = (word - ONES) & ~word & HIGHS;
      while (hits != 0) {
        int start = at + (Long.numberOfTrailingZeros(hits) >>> 3) - rareAt;
        if (matchesAt(hay, start, needle)) {
          return start;
        }
        hits &= hits - 1;
      }
    }
    for (; at <= end; at++) {
      if (hay[at] == rare && matchesAt(hay, at - rareAt, needle)) {
        return at - rareAt;
      }
    }
    return -1;
  }

  private static boolean matchesAt(byte[] hay, int start, byte[] needle) {
    for (int j = 0; j < needle.length; j++) {
      if (hay[start + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }
}
