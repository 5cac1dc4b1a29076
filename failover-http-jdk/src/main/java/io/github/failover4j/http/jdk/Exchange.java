package io.github.failover4j.http.jdk;

import io.github.failover4j.core.RetryPlan;
import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Verdict;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One request sent through a {@link FailoverHttpClient}: its {@link RetryPlan} and the decisions
 * between its {@link Attempt}s, shared by the sync and async paths so both behave alike.
 *
 * <p>Not thread-safe, and it need not be: attempts run one after another, each started from
 * the completion of the one before, and each attempt consults the exchange from one thread at
 * a time (the JDK hands the body handler and subscriber signals over with happens-before).
 */
final class Exchange<T> {
  private static final System.Logger LOG = System.getLogger(FailoverHttpClient.class.getName());

  /** Stands for "some failure" when asking, before a body is read, whether one would be retried. */

  /** The JDK's timeouts must be positive: an attempt made with the budget all but spent gets 1 ms. */
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

  /**
   * The JDK publishers that can be subscribed again and send the same bytes: {@code noBody},
   * {@code ofString} and {@code ofByteArray} (all in memory). Anything else, {@code ofFile} and
   * {@code ofInputStream} included, may read something else (or nothing) the second time.
   */
  private static final Set<String> REPLAYABLE_PUBLISHERS = Set.of(
      "jdk.internal.net.http.RequestPublishers$EmptyPublisher",
      "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher");

  final TokenPool pool;
  final BodyHandler<T> handler;
  private final HttpRequest original;
  private final RetryPlan plan;
  private final boolean replayable;
  private final Duration responseTimeout;

  Exchange(TokenPool pool, HttpRequest request, BodyHandler<T> handler,
      Duration responseTimeout) {
    this.pool = pool;
    this.responseTimeout = responseTimeout;
    this.handler = handler;
    this.original = request;
    this.plan = RetryPlan.of(pool);
    this.replayable = replayable(request);
  }

  /**
   * The first attempt.
   *
   * @throws io.github.failover4j.core.NoHealthyTokenException when the pool has no token to give
   */
  Attempt<T> first() {
    return attempt(plan.first());
  }

  /** The next attempt after a response arrived, or {@code null} when it goes to the caller. */
  Attempt<T> afterResponse(Attempt<T> done) {
    TokenHandle next = done.retryWith();
    return next == null ? null : attempt(next);
  }

  /**
   * The next attempt after {@code error}, or {@code null} when the error goes to the caller. An
   * {@link IOException} (refused, reset, timed out) the attempt was not judged for yet is
   * recorded as {@link Verdict#TRANSPORT_ERROR}: it says nothing about the token.
   */
  Attempt<T> afterError(Attempt<T> failed, Throwable error) {
    if (failed.retryWith() != null) { // the error came from dropping a response we retry anyway
      return attempt(failed.retryWith());
    }
    if (!(unwrap(error) instanceof IOException)) {
      return null;
    }
    failed.settleTransportError();
    if (failed.handedOver()) {
      return null;
    }
    TokenHandle next = retryAfter(failed.token(), Verdict.TRANSPORT_ERROR, 0);
    return next == null ? null : attempt(next);
  }

  /**
   * Whether a failure of a response with {@code status} would be retried now; asked before the
   * body is read, to decide whether the body must be held back until it is judged.
   */
  boolean mayRetryFailure(int status) {
    return replayable && plan.mayRetryFailure(status);
  }

  /**
   * The token to retry with after {@code verdict}, reached before anything went to the caller,
   * or {@code null} to give the response to the caller.
   */
  TokenHandle retryAfter(TokenHandle token, Verdict verdict, int status) {
    if (verdict == null || !replayable || !plan.shouldRetry(verdict, status)) {
      return null;
    }
    TokenHandle next = plan.next();
    if (next != null && LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "pool {0}: {1} on token {2} (status {3}); retrying on token {4}",
          pool.name(), verdict, token.id(), status, next.id());
    }
    return next;
  }

  private Attempt<T> attempt(TokenHandle token) {
    return new Attempt<>(this, token, requestWith(token));
  }

  /** The original request with the token in the pool's auth header and the plan's time left. */
  private HttpRequest requestWith(TokenHandle token) {
    String header = pool.auth().header();
    HttpRequest.Builder b = HttpRequest.newBuilder(original, (n, v) -> !n.equalsIgnoreCase(header));
    b.setHeader(header, token.authorization()); // header-safe: TokenSpec and Auth check it
    Duration own = original.timeout().orElse(responseTimeout);
    Duration left = plan.remaining();
    Duration bounded = left != null && left.compareTo(own) < 0 ? left : own;
    b.timeout(bounded.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : bounded);
    return b.build();
  }

  /**
   * Whether the request body can be sent again: no body, or one of the JDK's in-memory
   * publishers ({@code noBody}, {@code ofString}, {@code ofByteArray}).
   */
  static boolean replayable(HttpRequest request) {
    if (request.bodyPublisher().isEmpty()) {
      return true;
    }
    for (Class<?> c = request.bodyPublisher().get().getClass(); c != null; c = c.getSuperclass()) {
      if (REPLAYABLE_PUBLISHERS.contains(c.getName())) {
        return true;
      }
    }
    return false;
  }

  /** The error itself, out of the JDK's and the futures' wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
