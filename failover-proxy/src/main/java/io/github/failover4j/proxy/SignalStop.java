package io.github.failover4j.proxy;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops the proxy on SIGTERM (or SIGINT) and exits 0, however early the signal comes: the hook
 * is installed before anything starts, and a signal during start-up waits for the start to end
 * (or fail), then drains what started. An exit the program chose itself ({@link #exiting})
 * keeps its own code.
 */
final class SignalStop {
  private final PrintStream out;
  private final CountDownLatch settled = new CountDownLatch(1);
  private volatile FailoverProxy proxy;
  private volatile boolean exiting;

  private SignalStop(PrintStream out) {
    this.out = out;
  }

  /** Installs the hook; null when the JVM is shutting down already (nothing to stop then). */
  static SignalStop install(PrintStream out) {
    SignalStop s = new SignalStop(out);
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(s::onSignal, "failover-proxy-shutdown"));
      return s;
    } catch (IllegalStateException shuttingDown) {
      return null;
    }
  }

  /** The proxy is up: a signal from now on drains it. */
  void started(FailoverProxy p) {
    proxy = p;
    settled.countDown();
  }

  /** Start-up ended without a proxy (bad configuration, bind failure). */
  void notStarted() {
    settled.countDown();
  }

  /** The program exits by itself, with its own code: the hook must not change it. */
  void exiting() {
    exiting = true;
    settled.countDown();
  }

  private void onSignal() {
    if (exiting) {
      return;
    }
    try {
      settled.await(Main.GRACE.toSeconds() * 3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (exiting) {
      return;
    }
    FailoverProxy p = proxy;
    if (p != null) {
      out.println("failover-proxy: shutting down, finishing requests in flight");
      p.shutdown(Main.GRACE).join();
      out.println("failover-proxy: stopped");
    }
    out.flush();
    // SIGTERM is the normal way to stop a service: exit 0, not the JVM's 143.
    Runtime.getRuntime().halt(0);
  }
}
