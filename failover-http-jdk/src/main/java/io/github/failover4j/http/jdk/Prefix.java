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
  /** The size of the first array: the body's announced length when it fits the cap. */
  private final int firstSize;
  private byte[] bytes = new byte[0];
  private int size;

  /** A prefix of a body of unknown length. */
  Prefix(int cap) {
    this(cap, -1);
  }

  /**
   * @param cap the most bytes to keep
   * @param length the body's {@code Content-Length}, or -1 when unknown; a body of known length
   *     within the cap is captured into one array of exactly that size, and judged on it
   */
  Prefix(int cap, long length) {
    this.cap = cap;
    this.firstSize = length > 0 && length <= cap ? (int) length : FIRST_SIZE;
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

  /**
   * The bytes captured so far, at most {@code max} of them: the capture's own array when it
   * holds exactly that many, else a copy. Read it, do not change it; the subscribers add
   * nothing once the response is judged.
   */
  byte[] bytes(int max) {
    int n = Math.min(size, Math.max(0, max));
    return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
  }

  private void ensure(int needed) {
    if (needed > bytes.length) {
      int grown = Math.max(needed, Math.max(firstSize, bytes.length * 2));
      bytes = Arrays.copyOf(bytes, Math.min(grown, cap));
    }
  }
}
