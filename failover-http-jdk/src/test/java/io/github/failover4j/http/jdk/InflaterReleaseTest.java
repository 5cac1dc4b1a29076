package io.github.failover4j.http.jdk;

import io.github.failover4j.fixtures.Compressed;
import io.github.failover4j.core.BodyCapture;
import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.spi.ResponseView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * Every way a body subscriber can end (done, end of body, error, cancel) releases the
 * inflater of its prefix: driven by hand, without a server, so each way is taken for sure.
 */
class InflaterReleaseTest {
  private static final URI URL = URI.create("http://127.0.0.1:9/v1/chat/completions");
  private static final HttpHeaders GZIP =
      HttpHeaders.of(Map.of("Content-Encoding", List.of("gzip")), (n, v) -> true);
  private static final String TEXT = "data: No quota available\n\n".repeat(40);
  /** A gzip body without its end: the inflater stays busy. */
  private static final List<ByteBuffer> START = start();

  private static List<ByteBuffer> start() {
    byte[] gz = Compressed.gzip(TEXT);
    return List.of(ByteBuffer.wrap(gz, 0, gz.length - 12).slice().asReadOnlyBuffer());
  }

  private final TokenPool pool = TokenPool.builder("t").tokens(OK)
      .config(FailoverConfig.builder().conditions(Condition.body("No quota available")).build())
      .build();

  private Attempt<Void> attempt() {
    return new Exchange<>(pool, HttpRequest.newBuilder(URL).build(), BodyHandlers.discarding(),
        FailoverHttpClient.DEFAULT_RESPONSE_TIMEOUT)
        .first();
  }

  private static View view() {
    return new View(200, GZIP);
  }

  private static BodyCapture prefix() {
    return Captures.of(64 * 1024, GZIP);
  }

  @Test
  void theTeeReleasesItOnCancel() {
    BodyCapture prefix = prefix();
    Caller caller = new Caller();
    Upstream upstream = new Upstream();
    TeeSubscriber<Void> tee = new TeeSubscriber<>(attempt(), view(), caller, prefix);
    tee.onSubscribe(upstream);
    tee.onNext(START);
    assertThat(prefix.holdsInflater()).isTrue();

    caller.subscription.cancel();
    assertThat(prefix.holdsInflater()).isFalse();
    assertThat(upstream.cancelled).isTrue();
    assertThat(state(pool, OK).failures()).as("judged on what the caller saw").isEqualTo(1);
  }

  @Test
  void theTeeReleasesItOnError() {
    BodyCapture prefix = prefix();
    Caller caller = new Caller();
    TeeSubscriber<Void> tee = new TeeSubscriber<>(attempt(), view(), caller, prefix);
    tee.onSubscribe(new Upstream());
    tee.onNext(START);
    assertThat(prefix.holdsInflater()).isTrue();

    tee.onError(new IOException("reset"));
    assertThat(prefix.holdsInflater()).isFalse();
    assertThat(caller.error).isInstanceOf(IOException.class);
    assertThat(state(pool, OK).failures()).as("a transport error").isZero();
  }

  @Test
  void theTeeReleasesItAtTheEndOfTheBody() {
    BodyCapture prefix = prefix();
    Caller caller = new Caller();
    TeeSubscriber<Void> tee = new TeeSubscriber<>(attempt(), view(), caller, prefix);
    tee.onSubscribe(new Upstream());
    tee.onNext(START);
    tee.onComplete();
    assertThat(prefix.holdsInflater()).isFalse();
    assertThat(caller.chunks).as("the caller got the compressed chunk").hasSize(1)
        .first().satisfies(b -> assertThat(b.get(0)).isSameAs(START.get(0)));
    assertThat(state(pool, OK).failures()).isEqualTo(1);
  }

  @Test
  void theHoldingSubscriberReleasesItOnErrorWhileHolding() {
    BodyCapture prefix = prefix();
    Upstream upstream = new Upstream();
    HoldingSubscriber<Void> holding =
        new HoldingSubscriber<>(attempt(), info(), view(), prefix);
    holding.onSubscribe(upstream);
    holding.onNext(START);
    assertThat(prefix.holdsInflater()).isTrue();
    assertThat(upstream.requested).as("asks for more while holding").isEqualTo(2);

    holding.onError(new IOException("reset"));
    assertThat(prefix.holdsInflater()).isFalse();
    assertThat(holding.getBody().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void theHoldingSubscriberReleasesItWhenItDecides() {
    BodyCapture prefix = prefix();
    HoldingSubscriber<Void> holding =
        new HoldingSubscriber<>(attempt(), info(), view(), prefix);
    holding.onSubscribe(new Upstream());
    holding.onNext(START);
    holding.onComplete();
    assertThat(prefix.holdsInflater()).isFalse();
    assertThat(state(pool, OK).failures()).isEqualTo(1);
  }

  @Test
  void theProbeBodyReleasesItOnErrorAndAtTheEnd() {
    BodyCapture failing = prefix();
    ProbeBody broken = new ProbeBody(view(), failing);
    broken.onSubscribe(new Upstream());
    broken.onNext(START);
    assertThat(failing.holdsInflater()).isTrue();
    broken.onError(new IOException("reset"));
    assertThat(failing.holdsInflater()).isFalse();

    BodyCapture ending = prefix();
    ProbeBody ended = new ProbeBody(view(), ending);
    ended.onSubscribe(new Upstream());
    ended.onNext(START);
    ended.onComplete();
    assertThat(ending.holdsInflater()).isFalse();
    ResponseView v = ended.getBody().toCompletableFuture().join();
    assertThat(new String(v.body(Integer.MAX_VALUE), StandardCharsets.UTF_8))
        .as("what decoded before the body ended").isNotEmpty().satisfies(s ->
            assertThat(TEXT).startsWith(s));
  }

  private static ResponseInfo info() {
    return new ResponseInfo() {
      @Override
      public int statusCode() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return GZIP;
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  /** The JDK's side: counts requests, notes a cancel. */
  private static final class Upstream implements Flow.Subscription {
    long requested;
    boolean cancelled;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** The caller's side: takes everything, keeps what it got. */
  private static final class Caller implements BodySubscriber<Void> {
    Flow.Subscription subscription;
    final List<List<ByteBuffer>> chunks = new ArrayList<>();
    Throwable error;

    @Override
    public CompletionStage<Void> getBody() {
      return new CompletableFuture<>();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      chunks.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
    }

    @Override
    public void onComplete() {}
  }
}
