package io.github.failover4j.http.jdk;

import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The first {@code cap} bytes of a <em>decoded</em> body, copied aside as the body flows: what
 * the rules read. Reads through {@link ByteBuffer#duplicate()}, so the buffers can be handed on
 * untouched; grows on demand, so a short body never costs the whole cap. Not thread-safe.
 *
 * <p>The JDK's client does not decompress, so a body sent with {@code Content-Encoding: gzip},
 * {@code x-gzip} or {@code deflate} is inflated here ({@link Inflating}), chunk by chunk, and
 * the cap counts inflated bytes; the caller's buffers still hold the body as sent. The work is
 * bounded both ways: inflating stops at {@code cap} decoded bytes (a zip bomb costs the cap, no
 * more), and after {@link #inputLimit(int)} encoded bytes (a stream that inflates to little or
 * nothing costs no more than that either). A stream that is not valid stops decoding where it
 * breaks: the rules judge what was decoded before. A body in any other encoding ({@code br},
 * {@code zstd}, several stacked codings, …) is not decoded at all: its prefix is empty, so a
 * body rule never matches compressed bytes by accident.
 *
 * <p>The inflater's native memory is released as soon as the prefix is {@linkplain #done()
 * done}; when the body ends, fails or is cancelled before that, the owner calls {@link
 * #close()}.
 */
final class Prefix {
  private static final int FIRST_SIZE = 1024;
  private static final byte[] EMPTY = new byte[0];
  /** Encoded bytes allowed beyond twice the cap: headers and tables before the first byte. */
  private static final int INPUT_SLACK = 4096;

  private final int cap;
  /** {@code null} for an identity body. */
  private final Inflating inflating;
  private final long inputLimit;
  private long input;
  private byte[] bytes = EMPTY;
  private int size;
  private boolean done;

  /** A prefix of a body sent as is (no content coding). */
  Prefix(int cap) {
    this(cap, null, false);
  }

  private Prefix(int cap, Inflating inflating, boolean undecodable) {
    this.cap = Math.max(0, cap);
    this.inflating = inflating;
    this.inputLimit = inputLimit(this.cap);
    this.done = this.cap == 0 || undecodable;
  }

  /**
   * A prefix of a body with the {@code Content-Encoding} of {@code headers}: taken as is,
   * inflated ({@code gzip}, {@code x-gzip}, {@code deflate}), or left empty (anything else).
   */
  static Prefix of(int cap, HttpHeaders headers) {
    List<String> codings = codings(headers.allValues("Content-Encoding"));
    if (codings.isEmpty()) {
      return new Prefix(cap);
    }
    if (codings.size() == 1) {
      switch (codings.get(0)) {
        case "gzip", "x-gzip":
          return new Prefix(cap, new Inflating(Inflating.Format.GZIP), false);
        case "deflate":
          return new Prefix(cap, new Inflating(Inflating.Format.DEFLATE), false);
        default:
          break;
      }
    }
    return new Prefix(cap, null, true);
  }

  /**
   * The most encoded bytes a prefix of {@code cap} decoded bytes reads: twice the cap plus 4
   * KiB, which deflate only exceeds for data that does not compress at all in tiny flushed
   * pieces.
   */
  static long inputLimit(int cap) {
    return 2L * Math.max(0, cap) + INPUT_SLACK;
  }

  /** The content codings applied, in order, without {@code identity}; lower case. */
  private static List<String> codings(List<String> values) {
    List<String> codings = new ArrayList<>(1);
    for (String value : values) {
      for (String coding : value.split(",")) {
        String c = coding.trim().toLowerCase(Locale.ROOT);
        if (!c.isEmpty() && !c.equals("identity")) {
          codings.add(c);
        }
      }
    }
    return codings;
  }

  /**
   * Takes what it still needs from {@code buffers}; returns whether it is now {@linkplain
   * #done() done}.
   */
  boolean add(List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      if (done) {
        break;
      }
      if (inflating == null) {
        copy(b);
      } else {
        decode(b);
      }
    }
    return done;
  }

  /**
   * Whether it takes nothing more: the cap is reached (always so for a cap of 0), the encoded
   * stream ended, broke, or used up its input allowance, the encoding is one it cannot decode,
   * or it was closed.
   */
  boolean done() {
    return done;
  }

  /** Whether the cap of decoded bytes is reached. */
  boolean full() {
    return size >= cap;
  }

  /** The decoded bytes captured so far, at most {@code max} of them; a copy. */
  byte[] bytes(int max) {
    return Arrays.copyOf(bytes, Math.min(size, Math.max(0, max)));
  }

  /** How many decoded bytes it holds. */
  int size() {
    return size;
  }

  /**
   * Takes nothing more and releases the inflater, if any; idempotent. What was captured stays
   * readable.
   */
  void close() {
    done = true;
    if (inflating != null) {
      inflating.end();
    }
  }

  /** Whether it holds an inflater (native memory) now; for tests. */
  boolean holdsInflater() {
    return inflating != null && inflating.holdsInflater();
  }

  /**
   * Inflates into the room left below the cap; {@link Inflating}'s way to write here. Call
   * only when not {@link #full()}.
   */
  int inflate(Inflater inflater) throws DataFormatException {
    if (size == bytes.length) {
      grow(size + 1);
    }
    long before = inflater.getBytesWritten();
    try {
      int n = inflater.inflate(bytes, size, bytes.length - size);
      size += n;
      return n;
    } catch (DataFormatException e) {
      // The call may have written good bytes before it met the break; the inflater counts them.
      size += (int) (inflater.getBytesWritten() - before);
      throw e;
    }
  }

  private void copy(ByteBuffer b) {
    int n = Math.min(b.remaining(), cap - size);
    grow(size + n);
    b.duplicate().get(bytes, size, n);
    size += n;
    done = full();
  }

  private void decode(ByteBuffer b) {
    ByteBuffer in = b.duplicate();
    long allowed = inputLimit - input;
    if (in.remaining() > allowed) {
      in.limit(in.position() + (int) allowed);
    }
    int start = in.position();
    boolean more = inflating.feed(in, this);
    input += in.position() - start;
    if (!more || full() || input >= inputLimit) {
      close();
    }
  }

  private void grow(int needed) {
    if (needed > bytes.length) {
      int grown = Math.max(needed, Math.max(FIRST_SIZE, bytes.length * 2));
      bytes = Arrays.copyOf(bytes, Math.min(grown, cap));
    }
  }
}
