package io.github.failover4j.benchmarks;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Judging a response with the seed's failure rules (SPEC §3):
 *
 * <pre>
 *   - status_code: [403], headers: ["failure=true"]
 *   - status_code: [502, 503]
 *   - body: "No quota available"
 * </pre>
 *
 * <p>against a response that matches by status (503), by status and header (403 + {@code
 * failure: true}), by body (429, the text at the very end of the body), and one that matches
 * nothing (200, so the whole body is searched: the seed's body condition has no status
 * clause). Beside it, the same body search through RE2/J and {@code java.util.regex} directly,
 * and a pattern that makes {@code java.util.regex} backtrack while RE2/J stays linear.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConditionBenchmark {
  static final String QUOTA = "No quota available";

  /** The seed's rules and four responses whose bodies are {@code bodySize} bytes long. */
  @State(Scope.Benchmark)
  public static class Seed {
    /** The body length in bytes. */
    @Param({"1024", "4096"})
    public int bodySize;

    private TokenPool pool;
    private BenchResponse status503;
    private BenchResponse forbidden403;
    private BenchResponse quota429;
    private BenchResponse ok200;
    private com.google.re2j.Pattern re2j;
    private java.util.regex.Pattern jdk;
    /** The header name as the engine passes it: lower-cased, not the literal the view holds. */
    private final String failureHeader = new String("failure");

    /** Builds the pool's rules and the responses, and checks each is judged as meant. */
    @Setup
    public void setUp() {
      FailoverConfig config = FailoverConfig.builder()
          .failureThreshold(3)
          .conditions(
              Condition.status(403).withHeader("failure=true"),
              Condition.status(502, 503),
              Condition.body(QUOTA))
          .build();
      pool = TokenPool.builder("bench").tokens("sk-bench-0123456789abcdef").config(config)
          .build();
      byte[] plain = filler(bodySize);
      byte[] quota = filler(bodySize);
      byte[] tail = (QUOTA + "\"}}").getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(tail, 0, quota, quota.length - tail.length, tail.length);
      status503 = new BenchResponse(503, plain, headers());
      forbidden403 = new BenchResponse(403, plain, headers("failure", "true"));
      quota429 = new BenchResponse(429, quota, headers());
      ok200 = new BenchResponse(200, plain, headers());
      re2j = com.google.re2j.Pattern.compile(QUOTA);
      jdk = java.util.regex.Pattern.compile(QUOTA);

      Verdict byStatus = pool.classify(status503);
      Verdict byHeader = pool.classify(forbidden403);
      Verdict byBody = pool.classify(quota429);
      expect(byStatus.reason().contains("[1]"), "503 matches condition 1: " + byStatus);
      expect(byHeader.reason().contains("[0]"), "403 + header matches condition 0: " + byHeader);
      expect(byBody.reason().contains("[2]"), "429 + quota body matches condition 2: " + byBody);
      expect(pool.classify(ok200) == Verdict.SUCCESS, "200 matches nothing");
      expect(re2j.matcher(quota).find() && !re2j.matcher(plain).find(), "re2j finds the text");
      expect(jdk.matcher(new String(quota, StandardCharsets.UTF_8)).find(), "jdk finds the text");
    }
  }

  /** A typical response's headers, plus {@code extra} name/value pairs near the end. */
  private static String[] headers(String... extra) {
    String[] base = {
        "Date", "Tue, 04 Nov 2025 10:15:30 GMT",
        "Content-Type", "application/json",
        "Connection", "keep-alive",
        "x-request-id", "req_8c1f0a4b2d9e4f7a",
        "openai-processing-ms", "412",
        "Server", "cloudflare"};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  /** {@code size} bytes of English-like JSON text, the same for every run. */
  static byte[] filler(int size) {
    String[] words = {"the", "model", "response", "content", "assistant", "token", "request",
        "of", "and", "a", "to", "in", "is", "that", "for", "with", "on", "as", "quota", "limit",
        "available", "usage", "completion", "choices", "message", "role", "index", "stop"};
    SplittableRandom random = new SplittableRandom(7);
    StringBuilder sb = new StringBuilder(size + 16).append("{\"error\":{\"message\":\"");
    while (sb.length() < size) {
      sb.append(words[random.nextInt(words.length)]).append(' ');
    }
    byte[] out = sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    expect(!new String(out, StandardCharsets.US_ASCII).contains(QUOTA), "filler is plain");
    return out;
  }

  private static void expect(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("benchmark setup is wrong: " + what);
    }
  }

  /** 503: the first condition fails on status, the second matches on status. */
  @Benchmark
  public Verdict status(Seed s) {
    return s.pool.classify(s.status503);
  }

  /** 403 with {@code failure: true}: the first condition matches on status and header. */
  @Benchmark
  public Verdict statusAndHeader(Seed s) {
    return s.pool.classify(s.forbidden403);
  }

  /**
   * The view's own share of {@link #statusAndHeader}: finding {@code failure} among its seven
   * headers by a case-insensitive scan, as an adapter does. Not the engine's cost.
   */
  @Benchmark
  public String headerLookup(Seed s) {
    return s.forbidden403.header(s.failureHeader);
  }

  /** 429 with the quota text at the end of the body: the body condition matches. */
  @Benchmark
  public Verdict body(Seed s) {
    return s.pool.classify(s.quota429);
  }

  /** 200: no condition matches; the body condition searches the whole body. */
  @Benchmark
  public Verdict noMatch(Seed s) {
    return s.pool.classify(s.ok200);
  }

  /** The seed's body pattern through RE2/J on the bytes, as a non-literal rule runs. */
  @Benchmark
  public boolean bodyRe2j(Seed s) {
    return s.re2j.matcher(s.quota429.bodyBytes()).find();
  }

  /** The seed's body pattern through {@code java.util.regex}: decode, then search. */
  @Benchmark
  public boolean bodyJdkRegex(Seed s) {
    return s.jdk.matcher(new String(s.quota429.bodyBytes(), StandardCharsets.UTF_8)).find();
  }

  /**
   * A pattern and input that make {@code java.util.regex} backtrack. {@code (x+x+)+y} is the
   * textbook case, which JDK 9+ partly defuses by memoizing greedy loops; {@code (x+?)+?y},
   * its lazy twin, is not memoized and stays exponential. Inputs are {@code length} x's and no
   * y, so every search fails.
   */
  @State(Scope.Benchmark)
  public static class Adversarial {
    /** The pattern. */
    @Param({"(x+x+)+y", "(x+?)+?y"})
    public String pattern;

    /** The number of x's; 22 keeps one JDK search well under a second. */
    @Param({"16", "22"})
    public int length;

    private com.google.re2j.Pattern re2j;
    private java.util.regex.Pattern jdk;
    private byte[] input;

    /** Compiles the pattern in both engines. */
    @Setup
    public void setUp() {
      re2j = com.google.re2j.Pattern.compile(pattern);
      jdk = java.util.regex.Pattern.compile(pattern);
      input = "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The adversarial search through RE2/J: linear in the input. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean adversarialRe2j(Adversarial a) {
    return a.re2j.matcher(a.input).find();
  }

  /** The adversarial search through {@code java.util.regex}: decode, then backtrack. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean adversarialJdkRegex(Adversarial a) {
    return a.jdk.matcher(new String(a.input, StandardCharsets.UTF_8)).find();
  }
}
