package io.github.failover4j.core;

import io.github.failover4j.fixtures.Compressed;

import static io.github.failover4j.fixtures.Compressed.chunks;
import static io.github.failover4j.fixtures.Compressed.gzip;
import static io.github.failover4j.fixtures.Compressed.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoded body capture on its own: identity, gzip, deflate, and what it refuses to do. The
 * cases of the adapters' former {@code PrefixTest} (JDK) and {@code BodyPrefixTest} (Netty).
 */
class BodyCaptureTest {
  private static final String TEXT = "{\"error\":{\"message\":\"No quota available\"}}";

  private static BodyCapture capture(int cap, String... contentEncoding) {
    return BodyCapture.of(List.of(contentEncoding), cap);
  }

  /** Feeds {@code body} in chunks of {@code size}, stopping once the capture is done. */
  private static BodyCapture feed(BodyCapture capture, byte[] body, int size) {
    for (ByteBuffer chunk : chunks(body, size)) {
      if (capture.feed(chunk)) {
        break;
      }
    }
    return capture;
  }

  /** Feeds {@code body} in chunks of {@code size}; returns how many bytes it fed. */
  private static long feedCounting(BodyCapture capture, byte[] body, int size) {
    long fed = 0;
    for (ByteBuffer chunk : chunks(body, size)) {
      fed += chunk.remaining();
      if (capture.feed(chunk)) {
        break;
      }
    }
    return fed;
  }

  private static String text(BodyCapture p) {
    return new String(p.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void anIdentityBodyIsCopiedAsIs() {
    assertThat(text(feed(BodyCapture.of(List.of(), 1024), utf8(TEXT), 7))).isEqualTo(TEXT);
    assertThat(text(feed(capture(1024, "identity"), utf8(TEXT), 7))).isEqualTo(TEXT);
    assertThat(feed(capture(1024, "identity"), utf8(TEXT), 7).size()).isEqualTo(TEXT.length());
    assertThat(feed(capture(5, ""), utf8(TEXT), 3).prefix(100)).isEqualTo(utf8("{\"err"));
  }

  @Test
  void aKnownContentLengthSizesTheOneBufferAndPrefixDoesNotCopyIt() {
    byte[] body = new byte[350];
    java.util.Arrays.fill(body, (byte) 'x');
    BodyCapture p = feed(BodyCapture.of(List.of(), 4096, body.length), body, 100);
    byte[] all = p.prefix(4096);
    assertThat(all).isEqualTo(body);
    // the same array every time: captured into exactly 350 bytes, handed out without a copy
    assertThat(p.prefix(Integer.MAX_VALUE)).isSameAs(all);
    assertThat(p.bytes()).isSameAs(all);
    assertThat(p.prefix(10)).hasSize(10).isNotSameAs(all);
    // capped: one buffer of the cap
    BodyCapture capped = feed(BodyCapture.of(List.of(), 100, body.length), body, 64);
    assertThat(capped.prefix(100)).hasSize(100).isSameAs(capped.prefix(1000));
    assertThat(capped.isDone()).isTrue();
    // unknown length: the 1 KiB first buffer as before, so a copy
    BodyCapture unknown = feed(BodyCapture.of(List.of(), 4096, -1), body, 100);
    assertThat(unknown.prefix(4096)).isEqualTo(body).isNotSameAs(unknown.prefix(4096));
    // a Content-Length that was wrong (shorter than the body) only means growing
    BodyCapture shortLength = feed(BodyCapture.of(List.of(), 4096, 10), body, 100);
    assertThat(shortLength.prefix(4096)).isEqualTo(body);
    BodyCapture zero = feed(BodyCapture.of(List.of(), 4096, 0), body, 100);
    assertThat(zero.prefix(4096)).isEqualTo(body);
  }

  @Test
  void aContentLengthOfAnEncodedBodyDoesNotSizeTheDecodedCapture() {
    byte[] gz = gzip(TEXT);
    BodyCapture p = feed(BodyCapture.of(List.of("gzip"), 1024, gz.length), gz, 7);
    assertThat(text(p)).isEqualTo(TEXT);
  }

  @Test
  void aCapOfZeroTakesNothing() {
    BodyCapture p = capture(0, "gzip");
    assertThat(p.isDone()).isTrue();
    assertThat(p.feed(ByteBuffer.wrap(gzip(TEXT)))).isTrue();
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
  }

  @Test
  void prefixGivesAtMostMax() {
    BodyCapture p = feed(capture(1024), utf8(TEXT), 4096);
    assertThat(p.prefix(3)).isEqualTo(utf8("{\"e"));
    assertThat(p.prefix(-1)).isEmpty();
    assertThat(p.prefix(Integer.MAX_VALUE)).isEqualTo(p.bytes());
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 11, 4096})
  void gzipIsInflatedWhateverTheChunking(int size) {
    BodyCapture p = feed(capture(1024, "gzip"), gzip(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    p.close();
    assertThat(p.holdsInflater()).isFalse();
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 5, 4096})
  void everyGzipHeaderFieldIsSkipped(int size) {
    BodyCapture p = feed(capture(1024, "x-gzip"), Compressed.gzipWithAllHeaderFields(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
  }

  @Test
  void concatenatedGzipMembersAreOneBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(gzip("first part, "));
    body.writeBytes(gzip(TEXT));
    assertThat(text(feed(capture(1024, "gzip"), body.toByteArray(), 7)))
        .isEqualTo("first part, " + TEXT);
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 3, 4096})
  void deflateIsInflatedZlibWrappedOrRaw(int size) {
    BodyCapture zlib = feed(capture(1024, "deflate"), Compressed.zlib(TEXT), size);
    assertThat(text(zlib)).isEqualTo(TEXT);
    assertThat(zlib.isDone()).as("the end of a deflate stream ends the capture").isTrue();
    assertThat(zlib.isFull()).isFalse();
    assertThat(zlib.holdsInflater()).isFalse();

    BodyCapture raw = feed(capture(1024, "Deflate"), Compressed.rawDeflate(TEXT), size);
    assertThat(text(raw)).isEqualTo(TEXT);
  }

  /**
   * Bodies ending around the capture's first growth step (1 KiB), in long matches, fed in every
   * chunking: nothing decoded is lost where the room runs out.
   */
  @Test
  void everyLengthAndChunkingDecodesTheWholeBody() {
    for (int n = 1000; n < 1100; n++) {
      String text = "a".repeat(n);
      for (int size : new int[] {1, 2, 3, 1 << 20}) {
        assertThat(text(feed(capture(4096, "gzip"), gzip(text), size))).as("%d in %d", n, size)
            .isEqualTo(text);
        assertThat(text(feed(capture(4096, "deflate"), Compressed.zlib(text), size)))
            .as("%d in %d", n, size).isEqualTo(text);
        assertThat(text(feed(capture(4096, "deflate"), Compressed.rawDeflate(text), size)))
            .as("%d in %d", n, size).isEqualTo(text);
      }
    }
  }

  @Test
  void theCapCountsDecodedBytes() {
    BodyCapture p = feed(capture(10, "gzip"), gzip(TEXT), 4096);
    assertThat(p.prefix(100)).isEqualTo(utf8(TEXT.substring(0, 10)));
    assertThat(p.isFull()).isTrue();
    assertThat(p.isDone()).isTrue();
    assertThat(p.holdsInflater()).as("released at the cap").isFalse();
  }

  @Test
  void aZipBombCostsTheCapAndNoMore() {
    int cap = 16 * 1024;
    BodyCapture p = capture(cap, "gzip");
    long fed = feedCounting(p, Compressed.bomb(16 << 20), 4096);
    assertThat(p.size()).isEqualTo(cap);
    assertThat(p.bytes()).hasSize(cap).containsOnly(0);
    assertThat(p.isDone()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(fed).as("stopped after the first chunk").isEqualTo(4096);
  }

  /** The JDK adapter's case: a bigger cap, bigger chunks. */
  @Test
  void aZipBombCostsTheCapAndNoMoreInBigChunksToo() {
    int cap = 64 * 1024;
    BodyCapture p = capture(cap, "gzip");
    long fed = feedCounting(p, Compressed.bomb(100 << 20), 16 * 1024);
    assertThat(p.size()).isEqualTo(cap);
    assertThat(p.bytes()).hasSize(cap).containsOnly(0);
    assertThat(p.isDone()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(fed).as("stopped reading after one chunk").isEqualTo(16 * 1024);
  }

  /** Valid data that inflates to nothing must not be inflated for ever. */
  @Test
  void aStreamThatInflatesToNothingStopsAtTheInputLimit() {
    int cap = 1024;
    BodyCapture p = capture(cap, "gzip");
    long fed = feedCounting(p, Compressed.gzipOfNothing(100_000), 4096);
    assertThat(p.isDone()).as("gave up").isTrue();
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(fed).isLessThanOrEqualTo(BodyCapture.inputLimit(cap) + 4096);
  }

  /** The gzip header's name and comment are skipped, not collected without end. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 4096, 1 << 20})
  void anEndlessGzipFileNameStopsAtTheInputLimit(int size) {
    int cap = 1024;
    BodyCapture p = capture(cap, "gzip");
    long fed = feedCounting(p, Compressed.gzipEndlessName(1 << 20), size);
    assertThat(p.isDone()).as("gave up").isTrue();
    assertThat(p.size()).isZero();
    assertThat(fed).isLessThanOrEqualTo(BodyCapture.inputLimit(cap) + size);
  }

  @Test
  void theInputLimitCountsBytesInOneBigChunkToo() {
    BodyCapture p = capture(16, "gzip");
    assertThat(p.feed(ByteBuffer.wrap(Compressed.gzipOfNothing(100_000)))).isTrue();
    assertThat(p.isDone()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
  }

  @Test
  void theInputLimitIsTwiceTheCapPlusFourKiB() {
    assertThat(BodyCapture.inputLimit(1000)).isEqualTo(2000 + 4096);
    assertThat(BodyCapture.inputLimit(-5)).isEqualTo(4096);
  }

  @Test
  void aBigFastCompressingBodyStillFillsTheCap() {
    // well compressible text: far below the input limit long before the cap
    String text = "data: {\"choices\":[{\"delta\":{\"content\":\"No quota\"}}]}\n\n".repeat(2000);
    BodyCapture p = feed(capture(64 * 1024, "gzip"), gzip(text), 1500);
    assertThat(p.size()).isEqualTo(64 * 1024);
    assertThat(text(p)).isEqualTo(text.substring(0, 64 * 1024));
  }

  /** Bytes an inflate call wrote before it met the break are kept. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {5, 4096})
  void aCorruptStreamKeepsWhatDecodedBeforeTheBreak(int size) {
    BodyCapture p = feed(capture(1024, "gzip"), Compressed.gzipCorruptAfter(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    assertThat(p.isDone()).isTrue();
    assertThat(p.holdsInflater()).isFalse();

    BodyCapture broken = feed(capture(1024, "gzip"), Compressed.gzipCorrupt(TEXT), size);
    assertThat(broken.size()).isZero();
    assertThat(broken.isDone()).isTrue();
    assertThat(broken.holdsInflater()).isFalse();
  }

  @Test
  void aBodyThatIsNotWhatItsEncodingSaysDecodesToNothing() {
    BodyCapture plain = feed(capture(1024, "gzip"), utf8(TEXT), 4096);
    assertThat(plain.size()).isZero();
    assertThat(plain.isDone()).isTrue();

    BodyCapture notZlib = feed(capture(1024, "deflate"), utf8(TEXT), 4096);
    assertThat(text(notZlib)).doesNotContain("No quota available");
    notZlib.close();
    assertThat(notZlib.holdsInflater()).isFalse();
  }

  @Test
  void garbageInEveryChunkingNeverThrows() {
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] body = gzip(TEXT + round);
      // flip a few bytes anywhere: header, data or trailer
      for (int i = 0; i < 1 + round % 4; i++) {
        body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
      }
      for (String encoding : new String[] {"gzip", "deflate"}) {
        BodyCapture p = feed(capture(64, encoding), body, 1 + round % 13);
        assertThat(p.size()).isBetween(0, 64);
        p.close();
        assertThat(p.holdsInflater()).isFalse();
      }
    }
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"br", "zstd", "compress", "gzip, br", "deflate, gzip", "br, identity",
      "gzip,gzip"})
  void anEncodingItCannotDecodeShowsTheRulesNothing(String contentEncoding) {
    BodyCapture p = capture(1024, contentEncoding);
    assertThat(p.isDone()).as("takes nothing").isTrue();
    assertThat(p.feed(ByteBuffer.wrap(utf8(TEXT)))).isTrue();
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
  }

  @Test
  void codingsOnSeveralHeaderLinesAreOneList() {
    // Content-Encoding: identity / Content-Encoding: br: the body is br, whatever line is first
    BodyCapture p = capture(1024, "identity", "br");
    p.feed(ByteBuffer.wrap(utf8(TEXT)));
    assertThat(p.size()).isZero();

    BodyCapture stacked = capture(1024, "gzip", "br");
    stacked.feed(ByteBuffer.wrap(gzip(TEXT)));
    assertThat(stacked.size()).isZero();
  }

  @Test
  void identityInAListIsNoCoding() {
    assertThat(text(feed(capture(1024, "identity, gzip"), gzip(TEXT), 9))).isEqualTo(TEXT);
    assertThat(text(feed(capture(1024, "GZIP", "identity"), gzip(TEXT), 9))).isEqualTo(TEXT);
  }

  /** Close releases the inflater, and keeps what decoded. */
  @Test
  void closeReleasesTheInflaterAndKeepsWhatWasDecoded() {
    byte[] gz = gzip(TEXT + TEXT);
    BodyCapture p = capture(1024, "gzip");
    p.feed(ByteBuffer.wrap(gz, 0, gz.length - 12)); // no end yet
    assertThat(p.holdsInflater()).isTrue();
    assertThat(p.isDone()).isFalse();
    int decoded = p.size();

    p.close();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(p.isDone()).isTrue();
    assertThat(p.size()).isEqualTo(decoded);
    assertThat(p.feed(ByteBuffer.wrap(gz, gz.length - 12, 12))).isTrue();
    assertThat(p.size()).as("nothing more after close").isEqualTo(decoded);
    p.close(); // idempotent
  }

  @Test
  void theCallersBuffersAreLeftAsTheyWere() {
    byte[] gz = gzip(TEXT);
    ByteBuffer direct = ByteBuffer.allocateDirect(gz.length + 3);
    direct.put(new byte[3]).put(gz).flip().position(3);
    ByteBuffer framed = ByteBuffer.allocate(gz.length + 5);
    framed.put(new byte[3]).put(gz).flip().position(3); // a position that is not 0, room after
    for (ByteBuffer b : List.of(ByteBuffer.wrap(gz).asReadOnlyBuffer(), direct, framed)) {
      int position = b.position();
      int limit = b.limit();
      BodyCapture p = capture(1024, "gzip");
      p.feed(b);
      assertThat(text(p)).isEqualTo(TEXT);
      assertThat(b.position()).isEqualTo(position);
      assertThat(b.limit()).isEqualTo(limit);
      byte[] left = new byte[b.remaining()];
      b.duplicate().get(left);
      assertThat(left).isEqualTo(gz);
    }
  }
}
