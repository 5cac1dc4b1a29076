package io.github.failover4j.proxy;

/**
 * How the proxy runs as a service: who may use it, who may operate it, and its access log. No
 * field holds a key: keys are kept as digests.
 *
 * @param clients the client keys; {@link ClientKeys#NONE} when none are asked for
 * @param adminKey the admin key's digest, or null: admin endpoints answer loopback clients only
 * @param allowUnauthenticated whether a non-loopback listen address without client keys is
 *     accepted ({@code allowUnauthenticated: true})
 * @param accessLog the access log's format, or null when the access log is off (the default)
 * @param fleet the fleet's Redis ({@code fleet:}), or null when this proxy runs alone
 */
public record ServiceConfig(ClientKeys clients, KeyDigest adminKey, boolean allowUnauthenticated,
    AccessLog.Format accessLog, FleetConfig fleet) {

  /** No client keys, no admin key, no access log, no fleet. */
  public static final ServiceConfig DEFAULT = new ServiceConfig(ClientKeys.NONE, null, false,
      null, null);

  /** Without a fleet. */
  public ServiceConfig(ClientKeys clients, KeyDigest adminKey, boolean allowUnauthenticated,
      AccessLog.Format accessLog) {
    this(clients, adminKey, allowUnauthenticated, accessLog, null);
  }

  /** Requires the client keys (maybe {@link ClientKeys#NONE}). */
  public ServiceConfig {
    java.util.Objects.requireNonNull(clients, "clients");
  }
}
