package io.github.failover4j.http.jdk;

import io.github.failover4j.fixtures.Compressed;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the JDK adapter's tests need beyond the core's {@link Compressed} bodies: one shared
 * 100 MiB zip bomb, and bodies cut the way a {@code BodySubscriber} receives them.
 */
final class Compression {
  static final int BOMB_SIZE = 100 << 20;

  private Compression() {}

  /** {@link #BOMB_SIZE} zeros, gzip'd once per JVM: about 100 KiB. */
  static byte[] bomb() {
    return Bomb.BYTES;
  }

  private static final class Bomb {
    static final byte[] BYTES = Compressed.bomb(BOMB_SIZE);
  }

  /** {@code data} cut into buffers of {@code size} bytes (the last may be shorter). */
  static List<List<ByteBuffer>> chunks(byte[] data, int size) {
    List<List<ByteBuffer>> chunks = new ArrayList<>();
    for (int at = 0; at < data.length; at += size) {
      chunks.add(List.of(ByteBuffer.wrap(data, at, Math.min(size, data.length - at)).slice()));
    }
    return chunks;
  }
}
