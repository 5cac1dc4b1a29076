package io.github.failover4j.netty;

import io.github.failover4j.core.BodyCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;

/**
 * Feeds a Netty {@link ByteBuf} to the core's {@link BodyCapture}, which does the decoding:
 * through views of its readable bytes ({@link ByteBuf#nioBuffers()}, one per component of a
 * composite buffer), so neither its reader index nor its content moves, and nothing is copied
 * but what the capture takes.
 */
final class ByteBufFeed {
  private ByteBufFeed() {}

  /**
   * Feeds {@code buf}'s readable bytes to {@code capture}, leaving {@code buf} as it was; returns
   * whether the capture is done.
   */
  static boolean feed(BodyCapture capture, ByteBuf buf) {
    if (capture.isDone() || !buf.isReadable()) {
      return capture.isDone();
    }
    int count = buf.nioBufferCount();
    if (count == 1) {
      capture.feed(buf.nioBuffer());
    } else if (count > 1) {
      for (ByteBuffer b : buf.nioBuffers()) {
        if (capture.feed(b)) {
          break;
        }
      }
    } else { // a buffer with no NIO view: copy its readable bytes
      capture.feed(ByteBuffer.wrap(ByteBufUtil.getBytes(buf)));
    }
    return capture.isDone();
  }
}
