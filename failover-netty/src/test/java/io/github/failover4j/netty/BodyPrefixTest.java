package io.github.failover4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyPrefixTest {

  static ByteBuf chunk(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void aBodyInManySmallChunksIsCapturedWholeUpToTheCap() {
    BodyPrefix prefix = new BodyPrefix(1000, null);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (int i = 0; i < 300 && !prefix.full(); i++) {
      String event = "data: " + i + "\n\n";
      ByteBuf buf = chunk(event);
      prefix.add(buf);
      assertThat(buf.readerIndex()).isZero(); // the chunk passes on untouched
      sent.writeBytes(event.getBytes(StandardCharsets.US_ASCII));
      buf.release();
    }
    assertThat(prefix.full()).isTrue();
    byte[] expected = java.util.Arrays.copyOf(sent.toByteArray(), 1000);
    assertThat(prefix.decoded(1000)).isEqualTo(expected);
    assertThat(prefix.decoded(10)).hasSize(10).isEqualTo(java.util.Arrays.copyOf(expected, 10));
  }

  @Test
  void aBodyShorterThanTheCapIsGivenWithoutItsSpareRoom() {
    BodyPrefix prefix = new BodyPrefix(64 * 1024, "identity");
    ByteBuf a = chunk("No quota ");
    ByteBuf b = chunk("available");
    prefix.add(a);
    prefix.add(b);
    assertThat(prefix.full()).isFalse();
    assertThat(new String(prefix.decoded(64 * 1024), StandardCharsets.US_ASCII))
        .isEqualTo("No quota available");
    a.release();
    b.release();
  }

  @Test
  void aBodyInOnePieceIsJudgedOnTheCapturedArrayItself() {
    BodyPrefix prefix = new BodyPrefix(64 * 1024, null);
    ByteBuf body = chunk("{\"error\":\"No quota available\"}");
    prefix.add(body);
    assertThat(prefix.decoded(64 * 1024)).isSameAs(prefix.decoded(64 * 1024))
        .hasSize(body.readableBytes());
    body.release();
  }
}
