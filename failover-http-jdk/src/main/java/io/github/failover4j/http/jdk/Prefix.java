package io.github.failover4j.http.jdk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The first {@code cap} bytes of a body, copied aside as the body flows. Copies through {@link
 * ByteBuffer#duplicate()}, so the buffers can be handed on untouched; grows on demand, so a
 * short body never costs the whole cap. Not thread-safe.
 */
final class Prefix {
  private static final int FIRST_SIZE = 1024;

  private final int cap;
  private byte[] bytes = new byte[0];
  private int size;

  Prefix(int cap) {
    this.cap = cap;
  }

  /** Copies what still fits from {@code buffers}; returns whether the cap is now reached. */
  boolean add(List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      if (size >= cap) {
        break;
      }
      int n = Math.min(b.remaining(), cap - size);
      ensure(size + n);
      b.duplicate().get(bytes, size, n);
      size += n;
    }
    return full();
  }

  /** Whether the cap is reached (always true for a cap of 0). */
  boolean full() {
    return size >= cap;
  }

  /** The bytes captured so far, at most {@code max} of them; a copy. */
  byte[] bytes(int max) {
    return Arrays.copyOf(bytes, Math.min(size, Math.max(0, max)));
  }

  private void ensure(int needed) {
    if (needed > bytes.length) {
      int grown = Math.max(needed, Math.max(FIRST_SIZE, bytes.length * 2));
      bytes = Arrays.copyOf(bytes, Math.min(grown, cap));
    }
  }
}
