package io.github.failover4j.http.jdk;

import static io.github.failover4j.http.jdk.Compression.chunks;
import static io.github.failover4j.http.jdk.Compression.gzip;
import static io.github.failover4j.http.jdk.Compression.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoded body prefix on its own: identity, gzip, deflate, and what it refuses to do. */
class PrefixTest {
  private static final String TEXT = "{\"error\":{\"message\":\"No quota available\"}}";

  private static HttpHeaders encoding(String... values) {
    return HttpHeaders.of(Map.of("Content-Encoding", List.of(values)), (n, v) -> true);
  }

  private static Prefix prefix(int cap, String... contentEncoding) {
    return Prefix.of(cap, encoding(contentEncoding));
  }

  /** Feeds {@code body} in chunks of {@code size}, stopping once the prefix is done. */
  private static Prefix feed(Prefix prefix, byte[] body, int size) {
    for (List<ByteBuffer> chunk : chunks(body, size)) {
      if (prefix.add(chunk)) {
        break;
      }
    }
    return prefix;
  }

  private static String text(Prefix p) {
    return new String(p.bytes(Integer.MAX_VALUE), StandardCharsets.UTF_8);
  }

  @Test
  void anIdentityBodyIsCopiedAsIs() {
    Prefix p = feed(Prefix.of(1024, HttpHeaders.of(Map.of(), (n, v) -> true)), utf8(TEXT), 7);
    assertThat(text(p)).isEqualTo(TEXT);
    assertThat(feed(prefix(1024, "identity"), utf8(TEXT), 7).size()).isEqualTo(TEXT.length());
    assertThat(feed(prefix(5, ""), utf8(TEXT), 3).bytes(100)).isEqualTo(utf8("{\"err"));
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 11, 4096})
  void gzipIsInflatedWhateverTheChunking(int size) {
    Prefix p = feed(prefix(1024, "gzip"), gzip(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    p.close();
    assertThat(p.holdsInflater()).isFalse();
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 5, 4096})
  void everyGzipHeaderFieldIsSkipped(int size) {
    Prefix p = feed(prefix(1024, "x-gzip"), Compression.gzipWithAllHeaderFields(TEXT), size);
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
    Prefix zlib = feed(prefix(1024, "deflate"), Compression.zlib(TEXT), size);
    assertThat(text(zlib)).isEqualTo(TEXT);
    assertThat(zlib.done()).as("the end of a deflate stream ends the prefix").isTrue();
    assertThat(zlib.holdsInflater()).isFalse();

    Prefix raw = feed(prefix(1024, "Deflate"), Compression.rawDeflate(TEXT), size);
    assertThat(text(raw)).isEqualTo(TEXT);
  }

  @Test
  void theCapCountsDecodedBytes() {
    Prefix p = feed(prefix(10, "gzip"), gzip(TEXT), 4096);
    assertThat(p.bytes(100)).isEqualTo(utf8(TEXT.substring(0, 10)));
    assertThat(p.done()).isTrue();
    assertThat(p.holdsInflater()).as("released at the cap").isFalse();
  }

  @Test
  void aZipBombCostsTheCapAndNoMore() {
    int cap = 64 * 1024;
    byte[] bomb = Compression.bomb();
    Prefix p = prefix(cap, "gzip");
    int read = 0;
    for (List<ByteBuffer> chunk : chunks(bomb, 16 * 1024)) {
      read += chunk.get(0).remaining();
      if (p.add(chunk)) {
        break;
      }
    }
    assertThat(p.size()).isEqualTo(cap);
    assertThat(p.bytes(Integer.MAX_VALUE)).hasSize(cap).containsOnly(0);
    assertThat(p.done()).isTrue();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(read).as("stopped reading after one chunk").isEqualTo(16 * 1024);
  }

  @Test
  void aStreamThatInflatesToNothingStopsAtTheInputLimit() {
    // a gzip header, then empty stored blocks for ever: valid, and no decoded byte in sight
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255});
    for (int i = 0; i < 100_000; i++) {
      body.writeBytes(new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xff});
    }
    int cap = 1024;
    Prefix p = prefix(cap, "gzip");
    long read = 0;
    for (List<ByteBuffer> chunk : chunks(body.toByteArray(), 4096)) {
      read += chunk.get(0).remaining();
      if (p.add(chunk)) {
        break;
      }
    }
    assertThat(p.done()).isTrue();
    assertThat(p.size()).isZero();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(read).isLessThanOrEqualTo(Prefix.inputLimit(cap) + 4096);
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {5, 4096})
  void aCorruptStreamKeepsWhatDecodedBeforeTheBreak(int size) {
    Prefix p = feed(prefix(1024, "gzip"), Compression.gzipCorruptAfter(TEXT), size);
    assertThat(text(p)).isEqualTo(TEXT);
    assertThat(p.done()).isTrue();
    assertThat(p.holdsInflater()).isFalse();

    Prefix broken = feed(prefix(1024, "gzip"), Compression.gzipCorrupt(TEXT), 5);
    assertThat(broken.size()).isZero();
    assertThat(broken.done()).isTrue();
    assertThat(broken.holdsInflater()).isFalse();
  }

  @Test
  void aBodyThatIsNotWhatItsEncodingSaysDecodesToNothing() {
    Prefix plain = feed(prefix(1024, "gzip"), utf8(TEXT), 4096);
    assertThat(plain.size()).isZero();
    assertThat(plain.done()).isTrue();

    Prefix notZlib = feed(prefix(1024, "deflate"), utf8(TEXT), 4096);
    assertThat(text(notZlib)).doesNotContain("No quota available");
    notZlib.close();
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"br", "zstd", "compress", "gzip, br", "deflate, gzip", "br, identity"})
  void anEncodingItCannotDecodeShowsTheRulesNothing(String contentEncoding) {
    Prefix p = prefix(1024, contentEncoding);
    assertThat(p.done()).as("takes nothing").isTrue();
    assertThat(p.add(List.of(ByteBuffer.wrap(utf8(TEXT))))).isTrue();
    assertThat(p.size()).isZero();
  }

  @Test
  void identityInAListIsNoCoding() {
    assertThat(text(feed(prefix(1024, "identity, gzip"), gzip(TEXT), 9))).isEqualTo(TEXT);
    assertThat(text(feed(prefix(1024, "GZIP", "identity"), gzip(TEXT), 9))).isEqualTo(TEXT);
  }

  @Test
  void closeReleasesTheInflaterAndKeepsWhatWasDecoded() {
    byte[] gz = gzip(TEXT + TEXT);
    Prefix p = prefix(1024, "gzip");
    p.add(List.of(ByteBuffer.wrap(gz, 0, gz.length - 12).slice())); // no end yet
    assertThat(p.holdsInflater()).isTrue();
    assertThat(p.done()).isFalse();
    int decoded = p.size();

    p.close();
    assertThat(p.holdsInflater()).isFalse();
    assertThat(p.done()).isTrue();
    assertThat(p.size()).isEqualTo(decoded);
    assertThat(p.add(List.of(ByteBuffer.wrap(gz, gz.length - 12, 12).slice()))).isTrue();
    assertThat(p.size()).as("nothing more after close").isEqualTo(decoded);
    p.close(); // idempotent
  }

  @Test
  void theCallersBuffersAreLeftAsTheyWere() {
    byte[] gz = gzip(TEXT);
    ByteBuffer b = ByteBuffer.wrap(gz).asReadOnlyBuffer();
    Prefix p = prefix(1024, "gzip");
    p.add(List.of(b));
    assertThat(text(p)).isEqualTo(TEXT);
    assertThat(b.position()).isZero();
    assertThat(b.remaining()).isEqualTo(gz.length);
  }
}
