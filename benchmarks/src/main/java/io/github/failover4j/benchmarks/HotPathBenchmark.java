package io.github.failover4j.benchmarks;

import io.github.failover4j.redis.RedisFleet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The request path: select a token from a pool of 8 and record the outcome of one request
 * made with it, for failover4j and two things a gateway author would build instead (see
 * {@link Lane}). Outcomes are precomputed per thread so the measured loop draws no random
 * number.
 *
 * <p>{@code oneThread} and {@code twoThreads} run the same body; JMH reports the average time
 * of one call per thread, so throughput with 2 threads relative to 1 is {@code 2 × t1 / t2}.
 * {@code failover4j-unshared} gives every thread a pool of its own: not a deployment, but the
 * same code with nothing shared between threads, i.e. the most two threads can gain on the
 * machine at hand; it tells a sharing cost in failover4j from a limit of the machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class HotPathBenchmark {
  private static final int TOKENS = 8;

  private static final String UNSHARED = "failover4j-unshared";
  /** failover4j with a Redis fleet attached (a real redis-server on loopback). */
  private static final String FLEET = "failover4j-fleet";

  /** The implementation under test. */
  @Param({"failover4j", FLEET, UNSHARED, "resilience4j", "resilience4j-lockfree",
      "synchronized"})
  public String impl;

  /** The share of requests whose response is a failure. */
  @Param({"0", "0.01"})
  public double failureRate;

  private Lane lane;
  private ExecutorScheduler scheduler;
  private String[] tokens;
  private BenchRedis redis;
  private RedisFleet fleet;
  /** Every lane built, shared or per thread, to log and close. */
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();

  /** Builds the pool under test. */
  @Setup(Level.Trial)
  public void setUp() {
    tokens = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      tokens[i] = "sk-bench-0123456789abcdef" + (1000 + i); // distinct masked ids in the log
    }
    scheduler = new ExecutorScheduler();
    if (impl.equals(FLEET)) {
      redis = new BenchRedis();
      fleet = RedisFleet.connect(redis.uri());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!fleet.reachable()) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the fleet did not connect to " + redis.uri());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
    lane = impl.equals(UNSHARED) ? null : newLane();
  }

  private Lane newLane() {
    Lane l = Lane.create(impl.equals(UNSHARED) ? "failover4j" : impl, tokens, scheduler, fleet);
    lanes.add(l);
    return l;
  }

  /** The lane a measured thread calls: its own for {@code failover4j-unshared}. */
  Lane laneForThread() {
    return impl.equals(UNSHARED) ? newLane() : lane;
  }

  /** Logs how often the slow path ran, so a reader can tell it did not dominate. */
  @TearDown(Level.Trial)
  public void tearDown() {
    for (Lane l : lanes) {
      System.out.println("[" + impl + ", failureRate=" + failureRate + "] "
          + l.slowPathSummary());
      l.close();
    }
    scheduler.close();
    if (fleet != null) {
      fleet.close();
      redis.close();
    }
  }

  /**
   * One thread's outcomes: {@code failureRate × SIZE} failures at random places, read in a
   * loop. The array (64 KiB) stays in L2; the period (65536) is long against the pool size.
   */
  @State(Scope.Thread)
  public static class Outcomes {
    private static final int SIZE = 1 << 16;
    private static final int MASK = SIZE - 1;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final boolean[] failed = new boolean[SIZE];
    private int i;
    /** The lane this thread calls; read from here by every impl, so all pay the same load. */
    private Lane lane;

    /** Places the failures; each thread gets its own seed. */
    @Setup(Level.Trial)
    public void setUp(HotPathBenchmark bench) {
      lane = bench.laneForThread();
      SplittableRandom random = new SplittableRandom(42 + THREADS.getAndIncrement());
      int failures = (int) Math.round(bench.failureRate * SIZE);
      for (int placed = 0; placed < failures; ) {
        int at = random.nextInt(SIZE);
        if (!failed[at]) {
          failed[at] = true;
          placed++;
        }
      }
    }

    boolean next() {
      return failed[i++ & MASK];
    }
  }

  /** Select + record on one thread. */
  @Benchmark
  @Threads(1)
  public Object oneThread(Outcomes outcomes) {
    return outcomes.lane.call(outcomes.next());
  }

  /** Select + record on two threads sharing the pool. */
  @Benchmark
  @Threads(2)
  public Object twoThreads(Outcomes outcomes) {
    return outcomes.lane.call(outcomes.next());
  }
}
