package io.github.failover4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The straightforward locked pool: a synchronized round-robin over a list of healthy tokens,
 * and a synchronized record that counts consecutive failures, ejects at the threshold and
 * schedules the restore on the same timer failover4j uses.
 */
final class SynchronizedLane implements Lane {
  private final Token[] all;
  private final List<Token> healthy = new ArrayList<>();
  private final ExecutorScheduler scheduler;
  private int cursor;
  private long ejections;
  private long requests;

  SynchronizedLane(String[] tokens, ExecutorScheduler scheduler) {
    this.scheduler = scheduler;
    all = new Token[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      all[i] = new Token("Bearer " + tokens[i]);
      healthy.add(all[i]);
    }
  }

  @Override
  public Object call(boolean failed) {
    Token t = select();
    record(t, failed);
    return t;
  }

  private synchronized Token select() {
    int n = healthy.size();
    if (++cursor >= (n == 0 ? all.length : n)) {
      cursor = 0;
    }
    return n == 0 ? all[cursor] : healthy.get(cursor); // all out: use any, like USE_ALL
  }

  private synchronized void record(Token t, boolean failed) {
    requests++;
    t.requests++;
    if (!failed) {
      t.consecutiveFailures = 0;
      return;
    }
    t.failures++;
    if (++t.consecutiveFailures >= FAILURE_THRESHOLD && t.healthy) {
      t.healthy = false;
      healthy.remove(t);
      ejections++;
      scheduler.schedule(() -> restore(t), COOLDOWN.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void restore(Token t) {
    t.consecutiveFailures = 0;
    t.healthy = true;
    healthy.add(t);
  }

  @Override
  public synchronized String slowPathSummary() {
    return ejections + " ejections in " + requests + " requests";
  }

  @Override
  public void close() {}

  /** A token and its counters, guarded by the lane's lock. */
  private static final class Token {
    final String authorization;
    int consecutiveFailures;
    boolean healthy = true;
    long requests;
    long failures;

    Token(String authorization) {
      this.authorization = authorization;
    }
  }
}
