package io.github.failover4j.core;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ResponseView;
import io.github.failover4j.spi.Scheduler.Cancellable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One health-check probe through a pool's prober, bounded by the health check's timeout on the
 * pool's scheduler: shared by token recovery and target outage recovery, which probe with the
 * pool's model or a target's own.
 */
final class Probe {
  private Probe() {}

  /** A probe of {@code body} with the token whose auth header value is {@code authorization}. */
  static ProbeRequest request(TokenPool pool, Settings st, String authorization, byte[] body) {
    return new ProbeRequest("POST", st.probeUri,
        Map.of(pool.auth().header(), authorization, "Content-Type", "application/json"),
        body, Duration.ofNanos(st.timeoutNanos), st.config.maxBodyBytes());
  }

  /**
   * Sends {@code request}; calls {@code done} exactly once with the response, or with a null
   * response and the reason when the probe failed or timed out.
   */
  static void send(TokenPool pool, ProbeRequest request,
      BiConsumer<ResponseView, String> done) {
    AtomicBoolean finished = new AtomicBoolean();
    CompletionStage<ResponseView> sent;
    try {
      sent = pool.prober.send(request);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletionStage<ResponseView> inFlight = sent;
    Cancellable timer = pool.scheduler.schedule(() -> {
      if (finished.compareAndSet(false, true)) {
        cancel(inFlight); // lets the transport free the connection
        done.accept(null, "probe timed out after " + request.timeout().toMillis() + " ms");
      }
    }, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
    sent.whenComplete((response, error) -> {
      if (finished.compareAndSet(false, true)) {
        timer.cancel();
        done.accept(response, error == null ? null : describe(error));
      }
    });
  }

  /** Whether a probe answered {@code response} (or failed with {@code error}) passed. */
  static boolean passed(Settings st, ResponseView response, String error) {
    return error == null && st.health.match(response) != null;
  }

  /** Why a probe passed or failed, for events and logs. */
  static String describe(ResponseView response, String error, boolean passed) {
    return error != null ? error : passed ? "status " + response.status()
        : "status " + response.status() + ", no health-check condition matched";
  }

  private static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException notCancellable) {
      // a stage that cannot be cancelled finishes on its own; its answer is ignored
    }
  }

  private static String describe(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    String message = e.getMessage();
    return "probe failed: " + e.getClass().getSimpleName()
        + (message == null ? "" : " (" + message + ")");
  }
}
