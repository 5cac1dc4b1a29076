package io.github.failover4j.core.internal;

import io.github.failover4j.core.TokenSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Shows configuration values in problem messages: short, quoted, and secrets masked. */
public final class Render {
  private static final int MAX_CHARS = 60;

  private Render() {}

  /** The value as a message shows it; with {@code secret}, scalars show their masked id only. */
  public static String value(Object value, boolean secret) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?> map) {
      return map.isEmpty() ? "{}" : "{…}";
    }
    if (value instanceof List<?> list) {
      return list(list, secret);
    }
    if (value instanceof Boolean) {
      return value.toString();
    }
    if (secret) {
      String s = String.valueOf(value);
      return s.isBlank() ? quote(s) : TokenSpec.maskedId(s);
    }
    if (value instanceof String s) {
      return quote(s);
    }
    if (value instanceof Number) {
      return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }
    if (value instanceof java.util.Date d) {
      return d.toInstant().toString();
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** What kind of value it is, e.g. {@code a string}, for type mismatches. */
  public static String type(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (isInteger(value)) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a decimal number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "a map";
    }
    if (value instanceof java.util.Date) {
      return "a timestamp";
    }
    return value == null ? "null" : "a " + value.getClass().getSimpleName();
  }

  public static boolean isInteger(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof BigInteger
        || value instanceof Short || value instanceof Byte;
  }

  /** The string in double quotes, control characters escaped, long strings cut short. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    int end = Math.min(s.length(), MAX_CHARS);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append(s.length() > end ? "…\"" : "\"").toString();
  }

  /** Shows scalars only, one level deep: YAML aliases can make a list contain itself. */
  private static String list(List<?> list, boolean secret) {
    if (list.isEmpty()) {
      return "[]";
    }
    StringBuilder sb = new StringBuilder("[");
    for (Object item : list) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(item instanceof List<?> l ? (l.isEmpty() ? "[]" : "[…]")
          : item instanceof Map<?, ?> m ? (m.isEmpty() ? "{}" : "{…}") : value(item, secret));
      if (sb.length() > MAX_CHARS) {
        return "[… " + list.size() + " items]";
      }
    }
    return sb.append(']').toString();
  }
}
