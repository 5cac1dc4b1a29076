package io.github.failover4j.core.internal;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.CooldownRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads what a failure condition does when it matches (SPEC §6, §9): {@code action} ({@code
 * count}, the default, {@code eject}, {@code cooldown}, {@code ignore} or {@code fallback}) and, with action {@code
 * cooldown} only, {@code cooldown}: a map of {@code fromHeaders}, {@code default} and {@code
 * max}, or a bare duration as shorthand for {@code {default: ...}}.
 */
final class ActionReader {
  /** The keys a failure condition takes beside its clauses. */
  static final List<String> KEYS = List.of("action", "cooldown");

  /** Why a health-check condition takes neither key: a probe just passes or fails. */
  static final Map<String, String> NOT_IN_PROBES = Map.of(
      "action", "only failure conditions take an action; a probe passes or fails",
      "cooldown", "only failure conditions take a cooldown; a probe passes or fails");

  private static final List<String> COOLDOWN_KEYS = List.of("fromHeaders", "default", "max");

  /** What a match does: the action and, for {@link Action#COOLDOWN}, its rule. */
  record Effect(Action action, CooldownRule cooldown) {}

  private ActionReader() {}

  /** The action and cooldown of a failure condition; null when anything was reported. */
  static Effect read(Fields f) {
    Node actionNode = f.get("action");
    Action action = actionNode.present() ? actionNode.choice(Action.class, true) : Action.COUNT;
    Node cooldownNode = f.get("cooldown");
    if (!cooldownNode.present()) {
      return action == null ? null : new Effect(action, null);
    }
    CooldownRule rule = cooldown(cooldownNode);
    if (action != null && action != Action.COOLDOWN) {
      cooldownNode.problem("only action cooldown takes a cooldown, but the action is "
          + (actionNode.present() ? actionNode.show() : "count (the default)")
          + "; set action: cooldown or remove cooldown");
      return null;
    }
    return action == null || rule == null ? null : new Effect(action, rule);
  }

  /** A cooldown map, or a bare duration with the standard headers; null when reported. */
  private static CooldownRule cooldown(Node node) {
    Duration longest = CooldownRule.DEFAULT.max();
    if (node.value() instanceof String || node.value() instanceof Number) {
      Duration d = node.duration(null);
      if (d != null && d.compareTo(longest) > 0) {
        String shown = Durations.format(d);
        node.invalid("is longer than max, " + Durations.format(longest) + " when not given; "
            + "write cooldown: {default: " + shown + ", max: " + shown + "}");
        return null;
      }
      return d == null ? null : new CooldownRule(CooldownRule.STANDARD_HEADERS, d, longest);
    }
    if (!(node.value() instanceof Map)) {
      node.wrongType("a duration such as 45s, or a map of fromHeaders, default and max");
      return null;
    }
    int before = node.problemsSoFar();
    Fields f = node.fields();
    f.rejectUnknown(COOLDOWN_KEYS, Map.of("headers", "unknown key (did you mean fromHeaders?)"));
    Node headersNode = f.get("fromHeaders");
    List<String> headers = headersNode.present() ? headerNames(headersNode)
        : CooldownRule.STANDARD_HEADERS;
    Node defaultNode = f.get("default");
    Duration shortest = defaultNode.present() ? defaultNode.duration(null)
        : CooldownRule.DEFAULT.defaultDuration();
    Node maxNode = f.get("max");
    Duration max = maxNode.present() ? maxNode.duration(null) : longest;
    if (node.problemsSoFar() != before) {
      return null;
    }
    if (shortest.compareTo(max) > 0) {
      if (maxNode.present()) {
        maxNode.invalid("is shorter than default " + Durations.format(shortest)
            + (defaultNode.present() ? "" : " (when not given)") + "; max must be at least "
            + "default");
      } else {
        defaultNode.invalid("is longer than max, " + Durations.format(max) + " when not given;"
            + " set max to at least " + Durations.format(shortest));
      }
      return null;
    }
    return new CooldownRule(headers, shortest, max);
  }

  /** {@code fromHeaders}: header names, a list or a single one, not empty. */
  private static List<String> headerNames(Node node) {
    if (node.value() instanceof List<?> l && l.isEmpty()) {
      node.invalid("is empty; give at least one header name, or remove fromHeaders to read "
          + "the standard ones");
      return null;
    }
    List<String> names = new ArrayList<>();
    for (Node item : node.listOrSingle()) {
      String name = item.string();
      if (name != null && !Endpoints.isToken(name)) {
        item.invalid("is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
      } else if (name != null) {
        names.add(name);
      }
    }
    return names;
  }
}
