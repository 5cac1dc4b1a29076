package io.github.failover4j.core;

import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;

/**
 * Searches a body prefix (UTF-8 bytes) for an RE2 pattern. A pattern that is a plain literal
 * (the common case, e.g. {@code No quota available}) skips the regex engine and runs a
 * Boyer-Moore-Horspool byte search, which looks at about one byte in {@code length} of the
 * body; anything else runs RE2/J directly on the bytes, in linear time.
 */
final class BodyMatcher {
  private static final String META = "\\.+*?()|[]{}^$";

  private final String source;
  private final Pattern pattern;
  private final byte[] literal;
  private final int[] skip;

  BodyMatcher(String regex) {
    this.source = regex;
    this.pattern = Pattern.compile(regex);
    this.literal = isLiteral(regex) ? regex.getBytes(StandardCharsets.UTF_8) : null;
    this.skip = literal == null ? null : skipTable(literal);
  }

  /** Whether the pattern occurs anywhere in {@code body[0, length)}. */
  boolean find(byte[] body) {
    return literal != null ? indexOf(body, literal, skip) >= 0 : pattern.matcher(body).find();
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

  private static int[] skipTable(byte[] needle) {
    int[] table = new int[256];
    java.util.Arrays.fill(table, needle.length);
    for (int i = 0; i < needle.length - 1; i++) {
      table[needle[i] & 0xff] = needle.length - 1 - i;
    }
    return table;
  }

  /** Boyer-Moore-Horspool: compares from the needle's end and skips on its last byte. */
  static int indexOf(byte[] hay, byte[] needle, int[] skip) {
    int m = needle.length;
    int last = m - 1;
    int i = 0;
    while (i <= hay.length - m) {
      int j = last;
      while (hay[i + j] == needle[j]) {
        if (j == 0) {
          return i;
        }
        j--;
      }
      i += skip[hay[i + last] & 0xff];
    }
    return -1;
  }
}
