package io.github.failover4j.http.jdk;

import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link HttpClient} that sends every request with a healthy token of a {@link TokenPool},
 * tells the pool what the response says about that token, and retries on another token when the
 * pool's rules allow it.
 *
 * <p>For each request it selects a token, puts {@code token.authorization()} in the pool's auth
 * header ({@code Authorization: Bearer …} by default; {@code api-key} for Azure OpenAI, {@code
 * x-api-key} for Anthropic — whatever {@link TokenPool#auth()} says), replacing any value the
 * request had, sends it, judges the response with the pool's failure rules and records the
 * verdict. Connection failures, resets and timeouts are recorded as transport errors, which do
 * not count against the token.
 *
 * <p><b>Bodies.</b> When the rules can judge a response on its status and headers, the body
 * goes to the caller's {@link BodyHandler} untouched. When they need the body, its first {@link
 * TokenPool#maxBodyBytes()} bytes are copied aside as it flows and judged once that many arrived
 * or the body ended; the whole body is never buffered. If a failure of that response could
 * still be retried, the prefix is held back until it is judged, then either the response is
 * dropped for a retry or the caller's handler gets the held prefix followed by the rest of the
 * body. Streams ({@code text/event-stream}, {@code application/x-ndjson}) are never held back:
 * every chunk reaches the caller as it arrives, and a body failure in a stream is recorded but
 * not retried. The rules read the decoded body: a {@code gzip}, {@code x-gzip} or {@code
 * deflate} body is inflated for them as it flows (up to {@code maxBodyBytes} decoded bytes),
 * while the caller's handler gets it as sent; a body in another encoding ({@code br}, {@code
 * zstd}) is not read, and body conditions see it as empty.
 *
 * <p><b>Retries</b> (when the pool's config has a {@link RetryPolicy}) go to a healthy token
 * this request has not tried yet, within the policy's overall timeout, which also bounds each
 * attempt's {@link HttpRequest#timeout()}. A request is retried only when
 *
 * <ul>
 *   <li>its body can be sent again: no body, or one of the JDK's in-memory publishers {@code
 *       BodyPublishers.noBody()}, {@code ofString(…)} or {@code ofByteArray(…)}; any other
 *       publisher ({@code ofInputStream}, {@code ofFile}, {@code fromPublisher}, …) is sent
 *       once;
 *   <li>nothing of the response reached the caller's body handler yet.
 * </ul>
 *
 * <p>The caller gets the first response that is not retried, or the last one when retries run
 * out. When no token is healthy, {@link NoHealthyTokenException} (with the time until a token
 * may return) is thrown by {@link #send} and completes the future of {@link #sendAsync}.
 *
 * <p>Thread-safe; share one per pool. Tokens never appear in its logs or exception messages.
 */
public final class FailoverHttpClient {
  /** The connect timeout of the default JDK client (SPEC §10). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The longest wait for a response head when the request sets no timeout (SPEC §10). */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  private final TokenPool pool;
  private final HttpClient http;
  private final Duration responseTimeout;

  private FailoverHttpClient(Builder b) {
    this.pool = Objects.requireNonNull(b.pool, "pool");
    this.http = b.http != null ? b.http
        : HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    this.responseTimeout = b.responseTimeout;
  }

  /** A builder; {@link Builder#pool(TokenPool)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The pool the tokens come from. */
  public TokenPool pool() {
    return pool;
  }

  /** The JDK client that sends the requests. */
  public HttpClient httpClient() {
    return http;
  }

  /**
   * Sends {@code request} with a token of the pool, retrying on another token as the pool's
   * rules allow, and blocks until the response arrives (its body as far as {@code handler}
   * waits for it).
   *
   * @param request the request; its auth header, if any, is replaced by the token's
   * @param handler what to make of the body of the response the caller gets
   * @param <T> the body type
   * @return the first response not retried, or the last one
   * @throws NoHealthyTokenException when no token of the pool is healthy
   * @throws IOException when sending failed (and no retry was possible)
   * @throws InterruptedException when interrupted while waiting
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Exchange<T> exchange = new Exchange<>(pool, request, handler, responseTimeout);
    Attempt<T> attempt = exchange.first();
    while (true) {
      HttpResponse<T> response;
      try {
        response = http.send(attempt.request(), attempt);
      } catch (IOException e) {
        attempt = exchange.afterError(attempt, e);
        if (attempt == null) {
          throw e;
        }
        continue;
      }
      Attempt<T> next = exchange.afterResponse(attempt);
      if (next == null) {
        return response;
      }
      attempt = next;
    }
  }

  /**
   * Sends {@code request} asynchronously, like {@link #send}. The future completes with the
   * response the caller gets, or exceptionally with the error of the last attempt, or with
   * {@link NoHealthyTokenException} when no token is healthy. Cancelling it cancels the attempt
   * in flight.
   *
   * @param request the request; its auth header, if any, is replaced by the token's
   * @param handler what to make of the body of the response the caller gets
   * @param <T> the body type
   * @return the future response
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler) {
    Attempt<T> first;
    try {
      first = new Exchange<>(pool, request, handler, responseTimeout).first();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    sendAsync(first, result);
    return result;
  }

  private <T> void sendAsync(Attempt<T> attempt, CompletableFuture<HttpResponse<T>> result) {
    CompletableFuture<HttpResponse<T>> sent = http.sendAsync(attempt.request(), attempt);
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        sent.cancel(true);
      }
    });
    sent.whenComplete((response, error) -> {
      Exchange<T> exchange = attempt.exchange();
      Attempt<T> next;
      if (error == null) {
        next = exchange.afterResponse(attempt);
        if (next == null) {
          result.complete(response);
          return;
        }
      } else {
        next = exchange.afterError(attempt, error);
        if (next == null) {
          result.completeExceptionally(Exchange.unwrap(error));
          return;
        }
      }
      if (!result.isDone()) {
        sendAsync(next, result);
      }
    });
  }

  @Override
  public String toString() {
    return "FailoverHttpClient[pool=" + pool.name() + "]";
  }

  /** Builds a {@link FailoverHttpClient}. */
  public static final class Builder {
    private TokenPool pool;
    private HttpClient http;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

    private Builder() {}

    /** The pool whose tokens the requests use; required. */
    public Builder pool(TokenPool pool) {
      this.pool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    /**
     * The JDK client that sends the requests (its executor, proxy, TLS, HTTP version,
     * redirects); default {@link HttpClient#newHttpClient()}.
     */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * The connect timeout of the default JDK client; default 5 s. A client given with {@link #httpClient} keeps its own.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest wait for each attempt's response head ({@link HttpRequest#timeout()}) when
     * the request sets none; default 60 s. A timeout is a transport error: it does not count
     * against the token, and is retried within the retry policy's overall timeout.
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " is not positive");
      }
      return d;
    }

    /**
     * Builds the client.
     *
     * @throws NullPointerException when no pool was given
     */
    public FailoverHttpClient build() {
      return new FailoverHttpClient(this);
    }
  }
}
