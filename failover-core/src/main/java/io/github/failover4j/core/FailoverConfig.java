package io.github.failover4j.core;

import io.github.failover4j.core.internal.ConfigParser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything about failover for one pool: when a response is a failure, how tokens are
 * probed and restored, retries, and what happens when every token is out. Immutable.
 *
 * <p>Load it from the seed's YAML (or JSON, or the Higress ai-proxy block) with {@link
 * #parse(String)}, or build it in code with {@link #builder()}:
 *
 * <pre>{@code
 * FailoverConfig config = FailoverConfig.parse("""
 *     failover:
 *       failure:
 *         failureThreshold: 3
 *         conditions:
 *           - status_code: [502, 503]
 *           - body: "No quota available"
 *     """);
 * }</pre>
 *
 * @param failure the failure rules
 * @param healthCheck how ejected tokens are probed, or {@code null} for no probes
 * @param retry retries on another token, or {@code null} for none
 * @param whenAllEjected what selection does when no token is healthy
 * @param selection how a healthy token is picked
 * @param cooldown how long an ejected token stays out before it is restored without a probe
 *     (Higress {@code cooldownDuration}); {@code null} for none. Used only when there is no
 *     health check.
 * @param maxBodyBytes how many bytes of a response body the body conditions see
 * @param ejection back-off of repeated ejections and the share of the pool that may be out
 */
public record FailoverConfig(
    FailureRules failure,
    HealthCheck healthCheck,
    RetryPolicy retry,
    WhenAllEjected whenAllEjected,
    SelectionStrategy selection,
    Duration cooldown,
    int maxBodyBytes,
    EjectionPolicy ejection) {

  /** The default body cap, 64 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** The largest threshold (failures or probe passes) a configuration may ask for. */
  public static final int MAX_THRESHOLD = 1_000_000;

  /** Checks every field. */
  public FailoverConfig {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(whenAllEjected, "whenAllEjected");
    Objects.requireNonNull(selection, "selection");
    if (cooldown != null) {
      HealthCheck.requirePositive(cooldown, "cooldown");
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " is negative");
    }
    Objects.requireNonNull(ejection, "ejection");
  }

  /**
   * Parses a failover block in the seed's format or the Higress ai-proxy format, YAML or JSON.
   * The text holds a {@code failover} key (and optionally {@code healthCheck},
   * {@code retryOnFailure}, {@code whenAllEjected} and {@code selection} beside it).
   *
   * @throws ConfigException listing every problem, each with its path and value
   */
  public static FailoverConfig parse(String text) {
    return ConfigParser.parseFailover(text);
  }

  /**
   * Reads and {@linkplain #parse(String) parses} a UTF-8 file of at most 1 MiB; a larger file,
   * a byte that is not UTF-8 or a syntax error is reported with the file (and the line).
   */
  public static FailoverConfig load(Path file) throws IOException {
    return io.github.failover4j.core.internal.ConfigFiles.load(file, FailoverConfig::parse);
  }

  /** A builder with the defaults of SPEC §3 and a required set of failure conditions. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link FailoverConfig} in code. */
  public static final class Builder {
    private int failureThreshold = 1;
    private List<Condition> conditions = List.of();
    private HealthCheck healthCheck;
    private RetryPolicy retry;
    private WhenAllEjected whenAllEjected = WhenAllEjected.FAIL;
    private SelectionStrategy selection = SelectionStrategy.ROUND_ROBIN;
    private Duration cooldown;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private EjectionPolicy ejection = EjectionPolicy.DEFAULT;

    private Builder() {}

    /** Consecutive failures that eject a token; default 1. */
    public Builder failureThreshold(int n) {
      this.failureThreshold = n;
      return this;
    }

    /** The failure conditions (OR across them); required. */
    public Builder conditions(Condition... conditions) {
      this.conditions = List.of(conditions);
      return this;
    }

    /** Probes for ejected tokens; default none. */
    public Builder healthCheck(HealthCheck healthCheck) {
      this.healthCheck = healthCheck;
      return this;
    }

    /** Retries on another token; default none. */
    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** What selection does when every token is out; default {@link WhenAllEjected#FAIL}. */
    public Builder whenAllEjected(WhenAllEjected policy) {
      this.whenAllEjected = policy;
      return this;
    }

    /** How a healthy token is picked; default {@link SelectionStrategy#ROUND_ROBIN}. */
    public Builder selection(SelectionStrategy selection) {
      this.selection = selection;
      return this;
    }

    /** Restore ejected tokens after this long when there is no health check; default none. */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = cooldown;
      return this;
    }

    /** How much of a body the body conditions see; default 64 KiB. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Back-off and ejection limit; default {@link EjectionPolicy#DEFAULT} (neither). */
    public Builder ejection(EjectionPolicy ejection) {
      this.ejection = ejection;
      return this;
    }

    /** Builds the configuration; throws {@link IllegalArgumentException} on a bad value. */
    public FailoverConfig build() {
      return new FailoverConfig(new FailureRules(failureThreshold, conditions), healthCheck,
          retry, whenAllEjected, selection, cooldown, maxBodyBytes, ejection);
    }
  }
}
