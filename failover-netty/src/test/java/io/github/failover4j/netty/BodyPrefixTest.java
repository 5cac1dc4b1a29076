package io.github.failover4j.netty;

import static io.github.failover4j.netty.Compressed.chunks;
import static io.github.failover4j.netty.Compressed.gzip;
import static io.github.failover4j.netty.Compressed.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoded body prefix on its own: identity, gzip, deflate, and what it refuses to do. */
class BodyPrefixTest {
  private static final String TEXT = "{\"error\":{\"message\":\"No quota available\"}}";

  private static BodyPrefix prefix(int cap, String... contentEncoding) {
    return BodyPrefix.of(cap, List.of(contentEncoding));
  }

  /** Feeds {@code body} in chunks of {@code size}, stopping once the prefix takes no more. */
  private static BodyPrefix feed(BodyPrefix prefix, byte[] body, int size) {
    for (ByteBuf chunk : chunks(body, size)) {
      prefix.add(chunk);
      if (prefix.full()) {
        break;
      }
    }
    return prefix;
  }

  /** Feeds {@code body} in chunks of {@code size}; returns how many bytes it fed. */
  private static long feedCounting(BodyPrefix prefix, byte[] body, int size) {
    long fed = 0;
    for (ByteBuf chunk : chunks(body, size)) {
      fed += chunk.readableBytes();
      prefix.add(chunk);
      if (prefix.full()) {
        break;
      }
    }
    return fed;
  }

  private static String text(BodyPrefix p) {
    return new String(p.decoded(Integer.MAX_VALUE), StandardCharsets.UTF_8);
  }

  @Test
  void anIdentityBodyIsCopiedAsIs() {
    assertThat(text(feed(prefix(1024), utf8(TEXT), 7))).isEqualTo(TEXT);
    assertThat(text(feed(prefix(1024, "identity"), utf8(TEXT), 7))).isEqualTo(TEXT);
    assertThat(feed(prefix(5, ""), utf8(TEXT), 3).decoded(100)).isEqualTo(utf8("{\"err"));
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 11, 4096})
  void gzipIsInflatedWhateverTheChunking(int size) {
    BodyPrefix p = feed(prefix(1024, "gzip"), gzip(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    p.close();
    assertThat(p.holdsInflater()).isFalse();
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 5, 4096})
  void everyGzipHeaderFieldIsSkipped(int size) {
    BodyPrefix p = feed(prefix(1024, "x-gzip"), Compressed.gzipWithAllHeaderFields(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
  }

  @Test
  void concatenatedGzipMembersAreOneBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(gzip("first part, "));
    body.writeBytes(gzip(TEXT));
    assertThat(text(feed(prefix(1024, "gzip"), body.toByteArray(), 7)))
        .isEqualTo("first part, " + TEXT);
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 3, 4096})
  void deflateIsInflatedZlibWrappedOrRaw(int size) {
    BodyPrefix zlib = feed(prefix(1024, "deflate"), Compressed.zlib(TEXT), size);
    assertThat(text(zlib)).isEqualTo(TEXT);
    assertThat(zlib.full()).as("the end of a deflate stream ends the prefix").isTrue();
    assertThat(zlib.holdsInflater()).isFalse();

    BodyPrefix raw = feed(prefix(1024, "Deflate"), Compressed.rawDeflate(TEXT), size);
    assertThat(text(raw)).isEqualTo(TEXT);
  }

  /**
   * Bodies ending around the prefix's first growth step (1 KiB), in long matches, fed in every
   * chunking: nothing decoded is lost where the room runs out.
   */
  @Test
  void everyLengthAndChunkingDecodesTheWholeBody() {
    for (int n = 1000; n < 1100; n++) {
      String text = "a".repeat(n);
      for (int size : new int[] {1, 2, 3, 1 << 20}) {
        assertThat(text(feed(prefix(4096, "gzip"), gzip(text), size))).as("%d in %d", n, size)
            .isEqualTo(text);
        assertThat(text(feed(prefix(4096, "deflate"), Compressed.zlib(text), size)))
            .as("%d in %d", n, size).isEqualTo(text);
        assertThat(text(feed(prefix(4096, "deflate"), Compressed.rawDeflate(text), size)))
            .as("%d in %d", n, size).isEqualTo(text);
      }
    }
  }

  @Test
  void theCapCountsDecodedBytes() {
    BodyPrefix p = feed(prefix(10, "gzip"), gzip(TEXT), 4096);
    assertThat(p.decoded(100)).isEqualTo(utf8(TEXT.substring(0, 10)));
    assertThat(p.full()).isTrue();
    assertThat(p.holdsInflater()).as("released at the cap").isFalse();
  }

  @Test
  void aZipBombCostsTheCapAndNoMore() {
    int cap = 16 * 1024;
    BodyPrefix p = prefix(cap, "gzip");
    long fed = feedCounting(p, Compressed.bomb(16 << 20), 4096);
    assertThat(p.size()).isEqualTo(cap);
    assertThat(p.decoded(Integer.MAX_VALUE)).hasSize(cap).containsOnly(0);
    assertThat(p.full()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(fed).as("stopped after the first chunk").isEqualTo(4096);
  }

  /** Problem 3: valid data that inflates to nothing must not be inflated for ever. */
  @Test
  void aStreamThatInflatesToNothingStopsAtTheInputLimit() {
    int cap = 1024;
    BodyPrefix p = prefix(cap, "gzip");
    long fed = feedCounting(p, Compressed.gzipOfNothing(100_000), 4096);
    assertThat(p.full()).as("gave up").isTrue();
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(fed).isLessThanOrEqualTo(BodyPrefix.inputLimit(cap) + 4096);
  }

  /** Problem 2: the gzip header's name and comment are skipped, not collected without end. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 4096, 1 << 20})
  void anEndlessGzipFileNameStopsAtTheInputLimit(int size) {
    int cap = 1024;
    BodyPrefix p = prefix(cap, "gzip");
    long fed = feedCounting(p, Compressed.gzipEndlessName(1 << 20), size);
    assertThat(p.full()).as("gave up").isTrue();
    assertThat(p.size()).isZero();
    assertThat(fed).isLessThanOrEqualTo(BodyPrefix.inputLimit(cap) + size);
  }

  @Test
  void theInputLimitCountsBytesInOneBigChunkToo() {
    int cap = 16;
    BodyPrefix p = prefix(cap, "gzip");
    p.add(Unpooled.wrappedBuffer(Compressed.gzipOfNothing(100_000)));
    assertThat(p.full()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
  }

  @Test
  void aBigFastCompressingBodyStillFillsTheCap() {
    // well compressible text: far below the input limit long before the cap
    String text = "data: {\"choices\":[{\"delta\":{\"content\":\"No quota\"}}]}\n\n".repeat(2000);
    BodyPrefix p = feed(prefix(64 * 1024, "gzip"), gzip(text), 1500);
    assertThat(p.size()).isEqualTo(64 * 1024);
    assertThat(text(p)).isEqualTo(text.substring(0, 64 * 1024));
  }

  /** Problem 1: bytes an inflate call wrote before it met the break are kept. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {5, 4096})
  void aCorruptStreamKeepsWhatDecodedBeforeTheBreak(int size) {
    BodyPrefix p = feed(prefix(1024, "gzip"), Compressed.gzipCorruptAfter(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    assertThat(p.full()).isTrue();
    assertThat(p.holdsInflater()).isFalse();

    BodyPrefix broken = feed(prefix(1024, "gzip"), Compressed.gzipCorrupt(TEXT), size);
    assertThat(broken.size()).isZero();
    assertThat(broken.full()).isTrue();
    assertThat(broken.holdsInflater()).isFalse();
  }

  @Test
  void aBodyThatIsNotWhatItsEncodingSaysDecodesToNothing() {
    BodyPrefix plain = feed(prefix(1024, "gzip"), utf8(TEXT), 4096);
    assertThat(plain.size()).isZero();
    assertThat(plain.full()).isTrue();

    BodyPrefix notZlib = feed(prefix(1024, "deflate"), utf8(TEXT), 4096);
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
        BodyPrefix p = feed(prefix(64, encoding), body, 1 + round % 13);
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
    BodyPrefix p = prefix(1024, contentEncoding);
    assertThat(p.full()).as("takes nothing").isTrue();
    p.add(Unpooled.wrappedBuffer(utf8(TEXT)));
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
  }

  @Test
  void codingsOnSeveralHeaderLinesAreOneList() {
    // Content-Encoding: identity / Content-Encoding: br: the body is br, whatever line is first
    BodyPrefix p = prefix(1024, "identity", "br");
    p.add(Unpooled.wrappedBuffer(utf8(TEXT)));
    assertThat(p.size()).isZero();

    BodyPrefix stacked = prefix(1024, "gzip", "br");
    stacked.add(Unpooled.wrappedBuffer(gzip(TEXT)));
    assertThat(stacked.size()).isZero();
  }

  @Test
  void identityInAListIsNoCoding() {
    assertThat(text(feed(prefix(1024, "identity, gzip"), gzip(TEXT), 9))).isEqualTo(TEXT);
    assertThat(text(feed(prefix(1024, "GZIP", "identity"), gzip(TEXT), 9))).isEqualTo(TEXT);
  }

  /** Problem 4, on its own: close releases the inflater, and keeps what decoded. */
  @Test
  void closeReleasesTheInflaterAndKeepsWhatWasDecoded() {
    byte[] gz = gzip(TEXT + TEXT);
    BodyPrefix p = prefix(1024, "gzip");
    p.add(Unpooled.wrappedBuffer(gz, 0, gz.length - 12)); // no end yet
    assertThat(p.holdsInflater()).isTrue();
    assertThat(p.full()).isFalse();
    int decoded = p.size();

    p.close();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(p.full()).isTrue();
    assertThat(p.size()).isEqualTo(decoded);
    p.add(Unpooled.wrappedBuffer(gz, gz.length - 12, 12));
    assertThat(p.size()).as("nothing more after close").isEqualTo(decoded);
    p.close(); // idempotent
  }

  @Test
  void theCallersBuffersAreLeftAsTheyWere() {
    byte[] gz = gzip(TEXT);
    for (ByteBuf b : List.of(Unpooled.wrappedBuffer(gz).asReadOnly(),
        Unpooled.directBuffer(gz.length).writeBytes(gz),
        composite(gz))) {
      ByteBuf framed = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[3]), b);
      framed.skipBytes(3); // a reader index that is not 0
      BodyPrefix p = prefix(1024, "gzip");
      p.add(framed);
      assertThat(text(p)).isEqualTo(TEXT);
      assertThat(framed.readerIndex()).isEqualTo(3);
      assertThat(framed.readableBytes()).isEqualTo(gz.length);
      assertThat(ByteBufUtil.getBytes(framed)).isEqualTo(gz);
      framed.release();
    }
  }

  private static ByteBuf composite(byte[] data) {
    CompositeByteBuf c = Unpooled.compositeBuffer();
    int half = data.length / 2;
    c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 0, half)));
    c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, half, data.length)));
    return c;
  }
}
