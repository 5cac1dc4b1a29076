package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dot segments are resolved before a path is routed or forwarded. */
class RouteTest {
  @ParameterizedTest
  @CsvSource({
      "/v1/models, /v1/models",
      "/v1/./models, /v1/models",
      "/v1/../admin, /admin",
      "/../../etc/passwd, /etc/passwd",
      "/openai/%2e%2e/anthropic/v1, /anthropic/v1",
      "/a/%2E%2e/b/., /b/",
      "/a/b/.., /a/",
      "/a/..b/c, /a/..b/c",
      "/a.json, /a.json"})
  void normalizes(String raw, String expected) {
    assertThat(Route.normalize(raw)).isEqualTo(expected);
  }
}
