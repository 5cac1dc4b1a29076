package io.github.failover4j.core.internal;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.GatewayConfig;

/** Parses and validates configuration text. Not part of the API. */
public final class ConfigParser {
  private ConfigParser() {}

  /** See {@link FailoverConfig#parse(String)}. */
  public static FailoverConfig parseFailover(String text) {
    throw new UnsupportedOperationException("not written yet");
  }

  /** See {@link GatewayConfig#parse(String)}. */
  public static GatewayConfig parseGateway(String text) {
    throw new UnsupportedOperationException("not written yet");
  }
}
