package io.github.failover4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** A body cut into {@link ByteBuf}s, the way a Netty pipeline receives it. */
final class ByteBufChunks {
  private ByteBufChunks() {}

  /** {@code data} cut into buffers of {@code size} bytes (the last may be shorter). */
  static List<ByteBuf> of(byte[] data, int size) {
    List<ByteBuf> chunks = new ArrayList<>();
    for (int at = 0; at < data.length; at += size) {
      chunks.add(Unpooled.wrappedBuffer(data, at, Math.min(size, data.length - at)));
    }
    return chunks;
  }
}
