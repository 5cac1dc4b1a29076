package io.github.failover4j.redis;

import io.github.failover4j.core.Action;
import io.github.failover4j.core.FleetState;
import io.github.failover4j.core.TokenState;
import java.time.Instant;
import java.util.List;

/**
 * How a {@link FleetState} is stored: the fields of a token's hash, in the order the scripts
 * take and return them, and the pub/sub message ({@code |}-separated, the same fields after
 * the fingerprint). Holds fingerprints only, never a token.
 */
final class States {
  /** Hash fields: version, state, action, until (epoch ms, 0: none), level, by probe, replica. */
  static final List<String> FIELDS = List.of("v", "s", "a", "u", "l", "p", "r");

  private States() {}

  /** The script arguments for {@code state}, in {@link #FIELDS} order. */
  static String[] args(FleetState state, String replica) {
    return new String[] {
        Long.toString(state.version()),
        state.state().name(),
        state.ejectedBy() == null ? "" : state.ejectedBy().name(),
        state.until() == null ? "0" : Long.toString(state.until().toEpochMilli()),
        Integer.toString(state.backoffLevel()),
        state.byProbe() ? "1" : "0",
        replica};
  }

  /** A state from stored fields in {@link #FIELDS} order; {@code null} when none is stored. */
  static FleetState parse(String fingerprint, List<?> fields) {
    if (fields.size() < FIELDS.size() || blank(fields.get(0))) {
      return null;
    }
    String until = str(fields.get(3));
    String action = str(fields.get(2));
    return new FleetState(fingerprint,
        TokenState.valueOf(str(fields.get(1))),
        action.isEmpty() ? null : Action.valueOf(action),
        until.isEmpty() || until.equals("0") ? null : Instant.ofEpochMilli(Long.parseLong(until)),
        Integer.parseInt(str(fields.get(4))),
        "1".equals(str(fields.get(5))),
        Long.parseLong(str(fields.get(0))));
  }

  /** The replica that wrote stored fields. */
  static String replica(List<?> fields) {
    return fields.size() < FIELDS.size() ? "" : str(fields.get(6));
  }

  /** A pub/sub message: the fingerprint, then the fields. */
  static String message(String fingerprint, String[] args) {
    return fingerprint + "|" + String.join("|", args);
  }

  private static boolean blank(Object o) {
    return o == null || str(o).isEmpty();
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }
}
