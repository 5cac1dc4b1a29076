package io.github.failover4j.core.internal;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.github.failover4j.core.Condition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads condition lists, status lists (plain or as anchored regexes), headers and body regexes.
 * Failure conditions also take an {@code action} and a {@code cooldown} ({@link ActionReader});
 * health-check conditions do not.
 */
final class Conditions {
  private static final List<String> CLAUSES = List.of("status_code", "headers", "body");
  private static final List<String> KEYS = FailoverReader.concat(CLAUSES, ActionReader.KEYS);

  private Conditions() {}

  /**
   * A list of conditions (OR across them); an empty list is reported. Returns null when
   * anything was reported.
   *
   * @param failure whether these are failure conditions, which may take an action and a
   *     cooldown; a health-check condition with either is reported
   */
  static List<Condition> list(Node node, boolean failure) {
    int before = node.problemsSoFar();
    List<Node> items = node.list();
    if (node.value() instanceof List<?> l && l.isEmpty()) {
      node.invalid("is empty; give at least one condition");
    }
    List<Condition> conditions = new ArrayList<>();
    for (Node item : items) {
      Condition c = condition(item, failure);
      if (c != null) {
        conditions.add(c);
      }
    }
    return node.problemsSoFar() == before ? conditions : null;
  }

  /** One condition (AND of its clauses), or null when reported. */
  private static Condition condition(Node node, boolean failure) {
    if (!node.present()) {
      node.problem("empty condition; give status_code, headers or body");
      return null;
    }
    int before = node.problemsSoFar();
    Fields f = node.fields();
    int unknown = failure ? f.rejectUnknown(KEYS)
        : f.rejectUnknown(CLAUSES, ActionReader.NOT_IN_PROBES);
    Node status = f.get("status_code");
    Node headers = f.get("headers");
    Node body = f.get("body");
    Set<Integer> codes = statuses(status);
    List<String> names = headers(headers);
    String regex = body.present() ? regex(body) : null;
    ActionReader.Effect effect = failure ? ActionReader.read(f) : null;
    if (node.value() instanceof Map && unknown == 0 && !status.present()
        && !headers.present() && !body.present()) {
      node.invalid("has no clause; give status_code, headers or body");
    }
    if (node.problemsSoFar() != before) {
      return null;
    }
    return effect == null ? new Condition(codes, names, regex)
        : new Condition(codes, names, regex, effect.action(), effect.cooldown());
  }

  /** {@code status_code}: a list of statuses 100–599, or a single one. */
  static Set<Integer> statuses(Node node) {
    Set<Integer> codes = new LinkedHashSet<>();
    for (Node item : nonEmpty(node, "status")) {
      Integer code = item.status();
      if (code != null) {
        codes.add(code);
      }
    }
    return codes;
  }

  /**
   * Statuses given as RE2 regexes matched against the whole status ({@code "4.*"} is 400–499,
   * {@code "429"} only 429), or as plain integers; a list or a single value. Each regex must
   * match at least one status 100–599.
   */
  static Set<Integer> statusPatterns(Node node, boolean allowEmpty) {
    Set<Integer> codes = new LinkedHashSet<>();
    List<Node> items = allowEmpty ? node.listOrSingle() : nonEmpty(node, "status pattern");
    for (Node item : items) {
      if (Render.isInteger(item.value())) {
        Integer code = item.status();
        if (code != null) {
          codes.add(code);
        }
        continue;
      }
      if (!(item.value() instanceof String)) {
        item.wrongType("a status regex such as \"5.*\" or a status");
        continue;
      }
      Pattern p = compile(item, (String) item.value());
      if (p == null) {
        continue;
      }
      int found = 0;
      for (int code = 100; code <= 599; code++) {
        if (p.matcher(Integer.toString(code)).matches()) {
          codes.add(code);
          found++;
        }
      }
      if (found == 0) {
        item.invalid("matches no HTTP status (100-599); the regex must match the whole status,"
            + " e.g. \"5..\" or \"429\"");
      }
    }
    return codes;
  }

  /** {@code headers}: {@code "name=value"} or {@code "name"} strings, a list or a single one. */
  static List<String> headers(Node node) {
    List<String> headers = new ArrayList<>();
    for (Node item : nonEmpty(node, "header")) {
      String h = item.string();
      if (h != null && header(item, h)) {
        headers.add(h);
      }
    }
    return headers;
  }

  /** A body regex: a non-empty string that RE2 compiles; null when reported. */
  static String regex(Node node) {
    String regex = node.string();
    if (regex == null) {
      return null;
    }
    if (regex.isEmpty()) {
      node.invalid("is empty; remove body to match any body");
      return null;
    }
    return compile(node, regex) == null ? null : regex;
  }

  private static Pattern compile(Node node, String regex) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      node.invalid("is not a valid RE2 regular expression: " + e.getDescription()
          + " (in pattern " + Render.quote(regex) + ")");
      return null;
    }
    String tooCostly = RegexCost.problem(regex);
    if (tooCostly != null) {
      node.invalid(tooCostly);
      return null;
    }
    return p;
  }

  private static boolean header(Node node, String header) {
    int eq = header.indexOf('=');
    String name = eq < 0 ? header : header.substring(0, eq);
    if (name.isEmpty()) {
      node.invalid("has an empty header name; write \"name=value\" or \"name\"");
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!Endpoints.isTokenChar(c)) {
        node.invalid("has the character " + Render.quote(String.valueOf(c))
            + " in its header name, which is not allowed; write \"name=value\" or \"name\"");
        return false;
      }
    }
    String value = eq < 0 ? "" : header.substring(eq + 1);
    if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
      node.invalid("has a control character in its header value");
      return false;
    }
    return true;
  }

  private static List<Node> nonEmpty(Node node, String what) {
    if (node.value() instanceof List<?> l && l.isEmpty()) {
      node.invalid("is empty; give at least one " + what + " or remove the key");
      return List.of();
    }
    return node.listOrSingle();
  }
}
