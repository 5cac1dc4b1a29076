package io.github.failover4j.core.internal;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One value of the parsed tree (maps, lists and scalars from YAML or JSON) with the path that
 * leads to it, e.g. {@code failover.failure.conditions[1]}. The typed readers report a problem
 * against that path and return {@code null} when the value does not fit, so that a reader can
 * go on and collect every problem in one pass.
 */
public final class Node {
  private final Problems problems;
  private final String path;
  private final Object value;
  private final boolean secret;
  private final boolean muted;

  private Node(Problems problems, String path, Object value, boolean secret, boolean muted) {
    this.problems = problems;
    this.path = path;
    this.value = value;
    this.secret = secret;
    this.muted = muted;
  }

  /** The root of a tree. */
  public static Node root(Problems problems, Object value) {
    return new Node(problems, "", value, false, false);
  }

  /** The path as problem lines show it. */
  public String path() {
    return path.isEmpty() ? "(root)" : path;
  }

  public Object value() {
    return value;
  }

  /** Whether a value is there: a missing key and an explicit {@code null} are both absent. */
  public boolean present() {
    return value != null;
  }

  /** This node with values shown masked in messages, for tokens; children inherit it. */
  public Node secret(boolean secret) {
    return new Node(problems, path, value, secret, muted);
  }

  /** A node at the same path holding {@code newValue}, e.g. a resolved secret reference. */
  public Node withValue(Object newValue) {
    return new Node(problems, path, newValue, secret, muted);
  }

  public boolean isSecret() {
    return secret;
  }

  /**
   * This node with "missing" problems silenced, for the children of a value that was already
   * reported as having the wrong type.
   */
  public Node muted() {
    return new Node(problems, path, value, secret, true);
  }

  public Node child(String key, Object childValue) {
    return new Node(problems, path.isEmpty() ? key : path + "." + key, childValue, secret, muted);
  }

  public Node item(int index, Object itemValue) {
    return new Node(problems, path + "[" + index + "]", itemValue, secret, muted);
  }

  /** The value as a message shows it. */
  public String show() {
    return Render.value(value, secret);
  }

  /** How many problems the whole tree has so far, to tell whether reading a part was clean. */
  public int problemsSoFar() {
    return problems.count();
  }

  /** Reports {@code path: message}. */
  public void problem(String message) {
    problems.add(path() + ": " + message);
  }

  /** Reports {@code path: value message}. */
  public void invalid(String message) {
    problem(show() + " " + message);
  }

  /** Reports that the value is of the wrong kind, e.g. a string where an integer belongs. */
  public void wrongType(String expected) {
    invalid("is " + Render.type(value) + ", expected " + expected);
  }

  /** Reports a missing required value; returns whether the value is present. */
  public boolean require(String when) {
    if (!present() && !muted) {
      problem("missing (required" + (when.isEmpty() ? "" : " " + when) + ")");
    }
    return present();
  }

  /** The map's fields; an absent value has none, anything but a map is reported. */
  public Fields fields() {
    if (value instanceof Map<?, ?> map) {
      return new Fields(this, map, false);
    }
    if (present()) {
      wrongType("a map");
    }
    return new Fields(this, Map.of(), present() || muted);
  }

  /** The list's items; an absent value has none, anything but a list is reported. */
  public List<Node> list() {
    if (value instanceof List<?> items) {
      List<Node> nodes = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        nodes.add(item(i, items.get(i)));
      }
      return nodes;
    }
    if (present()) {
      wrongType("a list");
    }
    return List.of();
  }

  /** Like {@link #list()}, but a single scalar counts as a list of one (with this path). */
  public List<Node> listOrSingle() {
    if (value instanceof List || value instanceof Map || !present()) {
      return list();
    }
    return List.of(this);
  }

  /** The string, or null when absent or not a string (reported). */
  public String string() {
    if (value instanceof String s) {
      return s;
    }
    if (present()) {
      wrongType(value instanceof Number ? "a string (quote it)" : "a string");
    }
    return null;
  }

  /** The string, which must not be blank; null when absent or reported. */
  public String nonBlankString() {
    String s = string();
    if (s != null && s.isBlank()) {
      invalid("is blank");
      return null;
    }
    return s;
  }

  /** The boolean, or null when absent or not a boolean (reported). */
  public Boolean bool() {
    if (value instanceof Boolean b) {
      return b;
    }
    if (present()) {
      wrongType("true or false");
    }
    return null;
  }

  /** The integer in {@code [min, max]}, or null when absent or reported. */
  public Integer integer(long min, long max) {
    return integer(min, max, "is not between " + min + " and " + max);
  }

  /** The integer in {@code [min, max]}, with {@code outOfRange} as the range message. */
  public Integer integer(long min, long max, String outOfRange) {
    if (!Render.isInteger(value)) {
      if (present()) {
        wrongType("an integer");
      }
      return null;
    }
    BigInteger n = value instanceof BigInteger b ? b : BigInteger.valueOf(((Number) value)
        .longValue());
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      invalid(outOfRange);
      return null;
    }
    return n.intValueExact();
  }

  /** An HTTP status, 100–599, or null when absent or reported. */
  public Integer status() {
    return integer(100, 599, "is not an HTTP status (100-599)");
  }

  /**
   * A positive duration: a string such as {@code 10s}, or a number of {@code numberUnit} (e.g.
   * {@code "s"} for a {@code ...Seconds} key, {@code "ms"} for Higress); with a null unit a
   * bare number is reported as missing its unit. Null when absent or reported.
   */
  public Duration duration(String numberUnit) {
    try {
      if (value instanceof String s) {
        return Durations.parse(s);
      }
      if (value instanceof Number n) {
        if (numberUnit == null) {
          invalid("has no unit; write e.g. " + show() + "s or " + show() + "ms");
          return null;
        }
        return Durations.of(n, numberUnit);
      }
    } catch (IllegalArgumentException e) {
      invalid(e.getMessage());
      return null;
    }
    if (present()) {
      wrongType(numberUnit == null ? "a duration, " + Durations.EXAMPLES
          : "a duration (a number of " + numberUnit + ", or " + Durations.EXAMPLES + ")");
    }
    return null;
  }

  /**
   * One of the enum's constants, named case-insensitively with {@code -} or {@code _} between
   * words (e.g. {@code use_all}, {@code least-recently-ejected}); null when absent or reported.
   */
  public <E extends Enum<E>> E choice(Class<E> type) {
    return choice(type, false);
  }

  /**
   * Like {@link #choice(Class)}; with {@code lowerCase}, a problem lists the valid names in
   * lower case, as keys documented in lower case (e.g. {@code action: eject}) are written.
   */
  public <E extends Enum<E>> E choice(Class<E> type, boolean lowerCase) {
    String s = string();
    if (s == null) {
      return null;
    }
    String name = s.strip().replace('-', '_').toUpperCase(Locale.ROOT);
    E[] constants = type.getEnumConstants();
    for (E e : constants) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    List<String> names = Arrays.stream(constants)
        .map(e -> lowerCase ? e.name().toLowerCase(Locale.ROOT) : e.name())
        .collect(Collectors.toList());
    String hint = Suggest.nearest(name, names).map(n -> " (did you mean " + n + "?)").orElse("");
    invalid("is not one of " + String.join(", ", names) + hint);
    return null;
  }
}
