package io.github.failover4j.http.jdk;

import io.github.failover4j.fixtures.Compressed;
import static io.github.failover4j.http.jdk.Fixtures.OK;
import static io.github.failover4j.http.jdk.Fixtures.QUOTA;
import static io.github.failover4j.http.jdk.Fixtures.STREAM;
import static io.github.failover4j.http.jdk.Fixtures.chat;
import static io.github.failover4j.http.jdk.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed answers: the JDK's client does not decompress, so the adapter inflates gzip and
 * deflate for the rules, while the caller gets the bytes the provider sent.
 */
class CompressedBodyTest {
  private static final String NO_QUOTA = "{\"error\":{\"message\":\"No quota available\"}}";
  private static final String BOMB = "sk-zip-bomb-token-00000001";

  private FakeProvider provider;

  @BeforeEach
  void start() throws IOException {
    provider = new FakeProvider().on(OK, FakeProvider.ok());
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private TokenPool pool(FailoverConfig config, String... tokens) {
    return Fixtures.pool(provider, config, tokens);
  }

  private static FailoverConfig.Builder quotaRules() {
    return FailoverConfig.builder().failureThreshold(3)
        .conditions(Condition.status(429).withBody("No quota available"));
  }

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("gzip", Compressed.gzip(NO_QUOTA)),
        Arguments.of("x-gzip", Compressed.gzip(NO_QUOTA)),
        Arguments.of("deflate", Compressed.zlib(NO_QUOTA)),
        Arguments.of("deflate", Compressed.rawDeflate(NO_QUOTA)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void aCompressedQuotaAnswerIsAFailureAndReachesTheCallerAsSent(String encoding, byte[] body)
      throws Exception {
    provider.on(QUOTA, FakeProvider.encoded(429, body, encoding));
    TokenPool pool = pool(quotaRules().build(), QUOTA);

    HttpResponse<byte[]> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Content-Encoding")).contains(encoding);
    assertThat(r.body()).as("the compressed bytes, untouched").isEqualTo(body);
    TokenSnapshot s = state(pool, QUOTA);
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.failures()).as("the rule read the inflated body").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void aCompressedFailureHeldBackIsRetriedOnAnotherToken(String encoding, byte[] body)
      throws Exception {
    provider.on(QUOTA, FakeProvider.encoded(429, body, encoding));
    TokenPool pool = pool(quotaRules().retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertThat(state(pool, QUOTA).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void aHeldCompressedBodyReachesTheCallerAsSent() throws Exception {
    String text = randomText(300_000);
    byte[] gz = Compressed.gzip(text);
    provider.on(OK, FakeProvider.encoded(200, gz, "gzip"));
    TokenPool pool = pool(quotaRules().maxBodyBytes(4096).retry(RetryPolicy.of(1)).build(),
        OK, QUOTA);
    HttpResponse<byte[]> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofByteArray());
    assertThat(r.body()).isEqualTo(gz);
    assertThat(Compressed.gunzip(r.body())).isEqualTo(text);
    assertThat(state(pool, OK).requests()).isEqualTo(1);
    assertThat(state(pool, OK).failures()).isZero();
  }

  @ParameterizedTest(name = "retry configured: {0}")
  @ValueSource(booleans = {false, true})
  void aGzipStreamReachesTheCallerEventByEventAndIsJudged(boolean retry) throws Exception {
    FakeProvider.Sse sse = new FakeProvider.Sse(true, "No quota available", "bye");
    provider.on(STREAM, sse);
    TokenPool pool = pool(FailoverConfig.builder().failureThreshold(3)
        .conditions(Condition.body("No quota available"))
        .retry(retry ? RetryPolicy.of(1) : null).build(), STREAM);

    HttpResponse<InputStream> r = Fixtures.client(pool).send(chat(provider.uri()),
        BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
    Recording raw = new Recording(r.body());
    try (GZIPInputStream events = new GZIPInputStream(raw)) {
      String first = "data: No quota available\n\n";
      assertThat(new String(events.readNBytes(first.length()), StandardCharsets.UTF_8))
          .isEqualTo(first);
      assertThat(sse.lastSent.getCount()).as("the last event is not sent yet").isEqualTo(1);
      assertThat(state(pool, STREAM).requests())
          .as("not judged yet: neither the cap nor the end of the stream").isZero();

      sse.releaseLast();
      assertThat(new String(events.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("data: bye\n\n");
      raw.readAllBytes(); // what the gzip reader left, if anything
    }
    assertThat(raw.bytes()).as("the stream as sent").isEqualTo(sse.sent());
    TokenSnapshot s = state(pool, STREAM);
    assertThat(s.requests()).as("judged at the end of the stream").isEqualTo(1);
    assertThat(s.failures()).isEqualTo(1);
  }

  @Test
  void aZipBombIsJudgedOnTheCapAndReachesTheCallerAsSent() throws Exception {
    byte[] bomb = Compression.bomb();
    provider.on(BOMB, FakeProvider.encoded(200, bomb, "gzip"));
    // zeros from the start to the end of the prefix: the rule sees the inflated cap
    TokenPool pool = pool(FailoverConfig.builder().conditions(Condition.body("^\\x00+$"))
        .build(), BOMB);
    HttpResponse<byte[]> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofByteArray());
    assertThat(r.body()).isEqualTo(bomb);
    assertThat(state(pool, BOMB).requests()).isEqualTo(1);
    assertThat(state(pool, BOMB).failures()).isEqualTo(1);
  }

  @Test
  void aHeldZipBombIsJudgedAndRetried() throws Exception {
    provider.on(BOMB, FakeProvider.encoded(200, Compression.bomb(), "gzip"));
    TokenPool pool = pool(FailoverConfig.builder().failureThreshold(3)
        .conditions(Condition.body("^\\x00+$")).retry(RetryPolicy.of(1)).build(), BOMB, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(BOMB).isEmpty()) {
      HttpResponse<String> r = client.send(chat(provider.uri()), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(FakeProvider.OK_BODY);
    }
    assertThat(state(pool, BOMB).consecutiveFailures()).isEqualTo(1);
  }

  static Stream<Arguments> corrupt() {
    return Stream.of(
        Arguments.of("an invalid deflate block", Compressed.gzipCorrupt("No quota available")),
        Arguments.of("plain text labelled gzip", Compressed.utf8("No quota available")),
        Arguments.of("a truncated header", new byte[] {0x1f, (byte) 0x8b, 8}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corrupt")
  void aCorruptGzipBodyIsNoMatchAndNoError(String what, byte[] body) throws Exception {
    provider.on(QUOTA, FakeProvider.encoded(429, body, "gzip"));
    TokenPool pool = pool(quotaRules().build(), QUOTA);
    HttpResponse<byte[]> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo(body);
    assertThat(state(pool, QUOTA).requests()).isEqualTo(1);
    assertThat(state(pool, QUOTA).failures()).isZero();
  }

  @Test
  void aCorruptBodyIsJudgedOnWhatDecodedBeforeTheBreak() throws Exception {
    byte[] body = Compressed.gzipCorruptAfter(NO_QUOTA);
    provider.on(QUOTA, FakeProvider.encoded(429, body, "gzip"));
    TokenPool pool = pool(quotaRules().build(), QUOTA);
    HttpResponse<byte[]> r = Fixtures.client(pool).send(chat(provider.uri()), BodyHandlers.ofByteArray());
    assertThat(r.body()).isEqualTo(body);
    assertThat(state(pool, QUOTA).failures()).isEqualTo(1);
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"br", "zstd", "gzip, br"})
  void aBodyInAnEncodingItCannotDecodeIsNotJudgedByItsBody(String encoding) throws Exception {
    // not really brotli: were the bytes read as they are, the rule would match
    byte[] body = Compressed.utf8(NO_QUOTA);
    provider.on(QUOTA, FakeProvider.encoded(429, body, encoding));
    // a retry is possible, so the body would be held back: it is judged at once instead
    TokenPool pool = pool(quotaRules().retry(RetryPolicy.of(1)).build(), QUOTA, OK);
    FailoverHttpClient client = Fixtures.client(pool);
    while (provider.calls(QUOTA).isEmpty()) {
      HttpResponse<byte[]> r = client.send(chat(provider.uri()), BodyHandlers.ofByteArray());
      if (r.statusCode() == 429) {
        assertThat(r.body()).isEqualTo(body);
      }
    }
    assertThat(provider.calls(OK)).as("not retried").hasSizeLessThanOrEqualTo(1);
    assertThat(state(pool, QUOTA).requests()).isEqualTo(1);
    assertThat(state(pool, QUOTA).failures()).isZero();
  }

  private static String randomText(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }

  /** Keeps every byte read through it. */
  private static final class Recording extends FilterInputStream {
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    Recording(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        seen.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        seen.write(b, off, n);
      }
      return n;
    }

    byte[] bytes() {
      return seen.toByteArray();
    }
  }
}
