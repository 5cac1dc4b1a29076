package io.github.failover4j.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One matching rule over a response: every clause that is present must hold (AND); a list of
 * conditions matches when any one of them does (OR). At least one clause is required.
 *
 * @param statusCodes the statuses that match (100–599); empty means "any status"
 * @param headers {@code "name=value"} (name case-insensitive, value exact) or {@code "name"}
 *     (present); all must hold; empty means "any headers"
 * @param body an RE2 regular expression searched (not anchored) in the body prefix, or {@code
 *     null} when the condition does not look at the body
 * @param action what a match does to the token (failure conditions only; health-check
 *     conditions ignore it)
 * @param cooldown how long a {@link Action#COOLDOWN} lasts; {@code null} for other actions
 */
public record Condition(Set<Integer> statusCodes, List<String> headers, String body,
    Action action, CooldownRule cooldown) {

  /** Copies the collections and checks that at least one clause is present. */
  public Condition {
    statusCodes = Set.copyOf(new TreeSet<>(statusCodes));
    headers = List.copyOf(headers);
    if (statusCodes.isEmpty() && headers.isEmpty() && body == null) {
      throw new IllegalArgumentException("a condition needs at least one clause: "
          + "status_code, headers or body");
    }
    Objects.requireNonNull(action, "action");
    if (action == Action.COOLDOWN && cooldown == null) {
      cooldown = CooldownRule.DEFAULT;
    } else if (action != Action.COOLDOWN && cooldown != null) {
      throw new IllegalArgumentException("cooldown: given for action " + action
          + "; it belongs to action COOLDOWN only");
    }
  }

  /** A condition whose match counts toward the failure threshold. */
  public Condition(Set<Integer> statusCodes, List<String> headers, String body) {
    this(statusCodes, headers, body, Action.COUNT, null);
  }

  /** A condition on the status alone. */
  public static Condition status(Integer... codes) {
    return new Condition(Set.of(codes), List.of(), null);
  }

  /** A condition on the body alone. */
  public static Condition body(String regex) {
    return new Condition(Set.of(), List.of(), Objects.requireNonNull(regex, "regex"));
  }

  /** This condition with a header clause added, e.g. {@code "failure=true"}. */
  public Condition withHeader(String nameEqualsValue) {
    List<String> more = new java.util.ArrayList<>(headers);
    more.add(Objects.requireNonNull(nameEqualsValue, "nameEqualsValue"));
    return new Condition(statusCodes, more, body, action, cooldown);
  }

  /** This condition with another action; a cooldown gets {@link CooldownRule#DEFAULT}. */
  public Condition withAction(Action action) {
    return new Condition(statusCodes, headers, body, action, null);
  }

  /** This condition as a {@link Action#COOLDOWN} with the given rule. */
  public Condition withCooldown(CooldownRule rule) {
    return new Condition(statusCodes, headers, body, Action.COOLDOWN,
        Objects.requireNonNull(rule, "rule"));
  }

  /** This condition with a body clause. */
  public Condition withBody(String regex) {
    return new Condition(statusCodes, headers, Objects.requireNonNull(regex, "regex"), action,
        cooldown);
  }

  /** A short human description, e.g. {@code status_code [502, 503] and body /quota/}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (!statusCodes.isEmpty()) {
      sb.append("status_code ").append(new TreeSet<>(statusCodes));
    }
    if (!headers.isEmpty()) {
      sb.append(sb.length() == 0 ? "" : " and ").append("headers ").append(headers);
    }
    if (body != null) {
      sb.append(sb.length() == 0 ? "" : " and ").append("body /").append(body).append('/');
    }
    if (action != Action.COUNT) {
      sb.append(" -> ").append(action.name().toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }
}
