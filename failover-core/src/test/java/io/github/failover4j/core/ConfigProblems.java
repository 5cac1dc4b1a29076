package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test helper: the problems a configuration is rejected with. */
final class ConfigProblems {
  private ConfigProblems() {}

  /** The problems of the ConfigException that {@code parse} throws (it must throw one). */
  static List<String> of(ThrowingCallable parse) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(parse).isInstanceOfSatisfying(ConfigException.class, e -> caught[0] = e);
    return caught[0].problems();
  }

  /** The problems of {@code FailoverConfig.parse(yaml)}. */
  static List<String> failover(String yaml) {
    return of(() -> FailoverConfig.parse(yaml));
  }

}
