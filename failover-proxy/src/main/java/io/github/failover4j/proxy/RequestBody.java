package io.github.failover4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body as the proxy relays it: chunks are kept (retained buffers, not copies) while
 * the request may be retried, within the per-request cap and the proxy's {@link RetryMemory};
 * once either is exceeded the body is no longer replayable and each chunk is dropped once
 * sent. Used on the exchange's event loop only.
 */
final class RequestBody {
  private final RetryMemory memory;
  private final int maxKept;
  /** Chunks received; all of them while replayable, else only those not yet sent. */
  private final List<ByteBuf> chunks = new ArrayList<>(2); // most bodies come in one piece
  private long bytes;
  private long reserved;
  private boolean replayable = true;
  private boolean complete;
  private int sent;
  /** What attempts send instead of the chunks (a rewritten body), or {@code null}. */
  private ByteBuf substitute;

  RequestBody(RetryMemory memory, int maxKept) {
    this.memory = memory;
    this.maxKept = maxKept;
  }

  /** Takes {@code b} (the caller's reference); {@code last}: the body is complete. */
  void add(ByteBuf b, boolean last) {
    if (b.isReadable()) {
      int n = b.readableBytes();
      bytes += n;
      chunks.add(b);
      if (replayable) {
        if (bytes > maxKept || !memory.reserve(n)) {
          stopKeeping();
        } else {
          reserved += n;
        }
      }
    } else {
      b.release();
    }
    complete |= last;
  }

  /** The body ended (its rest was dropped). */
  void end() {
    complete = true;
  }

  /** Too large to keep: no retry for this request; what was sent already is dropped. */
  private void stopKeeping() {
    replayable = false;
    for (int i = 0; i < sent; i++) {
      chunks.remove(0).release();
    }
    sent = 0;
    memory.release(reserved);
    reserved = 0;
  }

  boolean replayable() {
    return replayable;
  }

  boolean complete() {
    return complete;
  }

  /** Bytes received so far. */
  long bytes() {
    return bytes;
  }

  /** Bytes an attempt sends: the substitute's when there is one, else {@link #bytes()}. */
  long bytesToSend() {
    return substitute != null ? substitute.readableBytes() : bytes;
  }

  /** The whole body, copied (only when complete and replayable). */
  byte[] copy() {
    byte[] out = new byte[(int) bytes];
    int at = 0;
    for (ByteBuf b : chunks) {
      int n = b.readableBytes();
      b.getBytes(b.readerIndex(), out, at, n);
      at += n;
    }
    return out;
  }

  /**
   * Makes the next attempts send {@code replacement} (a complete body; taken) instead of the
   * chunks, or the chunks again when {@code null}.
   */
  void substitute(ByteBuf replacement) {
    if (substitute != null) {
      substitute.release();
    }
    substitute = replacement;
  }

  /** A new attempt sends the body from its start (only when replayable). */
  void rewind() {
    sent = 0;
  }

  /** Whether every chunk received went to the current attempt. */
  boolean allSent() {
    return sent == chunks.size();
  }

  /** Writes the chunks {@code ch} has not had yet, without flushing; whether it wrote any. */
  boolean writeTo(Channel ch) {
    boolean wrote = false;
    if (substitute != null) {
      if (sent < chunks.size()) {
        sent = chunks.size();
        ch.write(new DefaultHttpContent(substitute.retainedDuplicate()), ch.voidPromise());
        wrote = true;
      }
      return wrote;
    }
    while (sent < chunks.size()) {
      ByteBuf b = replayable ? chunks.get(sent++).retainedDuplicate() : chunks.remove(sent);
      ch.write(new DefaultHttpContent(b), ch.voidPromise());
      wrote = true;
    }
    return wrote;
  }

  /** Releases every chunk and the memory reserved. */
  void release() {
    substitute(null);
    for (ByteBuf b : chunks) {
      b.release();
    }
    chunks.clear();
    memory.release(reserved);
    reserved = 0;
  }
}
