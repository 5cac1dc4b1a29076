package io.github.failover4j.netty;

import io.github.failover4j.fixtures.Compressed;
import static io.github.failover4j.fixtures.Compressed.gzip;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.BodyCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Feeding Netty buffers to the core's {@link BodyCapture} (whose decoding is tested in core):
 * from the former {@code BodyPrefixTest}, the cases about Netty's buffers.
 */
class ByteBufFeedTest {
  private static final String TEXT = "{\"error\":{\"message\":\"No quota available\"}}";

  @Test
  void theCallersBuffersAreLeftAsTheyWere() {
    byte[] gz = gzip(TEXT);
    for (ByteBuf b : List.of(Unpooled.wrappedBuffer(gz).asReadOnly(),
        Unpooled.directBuffer(gz.length).writeBytes(gz),
        composite(gz))) {
      ByteBuf framed = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[3]), b);
      framed.skipBytes(3); // a reader index that is not 0
      BodyCapture p = BodyCapture.of(List.of("gzip"), 1024);
      ByteBufFeed.feed(p, framed);
      assertThat(new String(p.bytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
      assertThat(framed.readerIndex()).isEqualTo(3);
      assertThat(framed.readableBytes()).isEqualTo(gz.length);
      assertThat(ByteBufUtil.getBytes(framed)).isEqualTo(gz);
      framed.release();
    }
  }

  @Test
  void anEmptyBufferOrADoneCaptureTakesNothing() {
    BodyCapture p = BodyCapture.of(List.of(), 4);
    assertThat(ByteBufFeed.feed(p, Unpooled.EMPTY_BUFFER)).isFalse();
    assertThat(ByteBufFeed.feed(p, Unpooled.wrappedBuffer(Compressed.utf8(TEXT)))).isTrue();
    assertThat(ByteBufFeed.feed(p, Unpooled.wrappedBuffer(Compressed.utf8("more")))).isTrue();
    assertThat(p.bytes()).isEqualTo(Compressed.utf8("{\"er"));
  }

  private static ByteBuf composite(byte[] data) {
    CompositeByteBuf c = Unpooled.compositeBuffer();
    int half = data.length / 2;
    c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 0, half)));
    c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, half, data.length)));
    return c;
  }
}
