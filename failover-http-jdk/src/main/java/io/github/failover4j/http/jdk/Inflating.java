package io.github.failover4j.http.jdk;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a {@code gzip} or {@code deflate} body incrementally, chunk by chunk as it arrives,
 * into a {@link Prefix}. The JDK's {@code GZIPInputStream} reads a blocking stream, which a body
 * subscriber does not have; so this parses the gzip framing (RFC 1952) itself, byte by byte as
 * it arrives, and hands the deflate data in between to a raw {@link Inflater}.
 *
 * <ul>
 *   <li>{@code gzip}: header (its optional extra field, name, comment and header CRC are
 *       skipped), deflate data, 8-byte trailer; further members may follow, as RFC 1952 allows.
 *       The trailer's CRC-32 and length are not checked: the rules only read a prefix, and data
 *       that is corrupt enough to matter fails to inflate.
 *   <li>{@code deflate}: should be zlib-wrapped (RFC 9110), but some servers send raw deflate;
 *       the first two bytes tell which. A stream that needs a preset dictionary is not
 *       decodable.
 * </ul>
 *
 * <p>Never throws on bad data: {@link #feed} answers {@code false} and the caller judges what
 * was decoded so far. Keeps no reference to a buffer it was fed once {@code feed} returns, and
 * holds native memory (the {@code Inflater}) only between its first data byte and {@link #end()}.
 * Not thread-safe.
 */
final class Inflating {
  /** The two framings it decodes. */
  enum Format { GZIP, DEFLATE }

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int FRESERVED = 0xe0;
  private static final int GZIP_HEADER = 10;
  private static final int GZIP_TRAILER = 8;
  private static final byte[] EMPTY = new byte[0];

  /** Where in the framing the next byte belongs. */
  private enum Step {
    /** deflate: the first two bytes, to tell zlib from raw deflate. */
    SNIFF,
    /** gzip: the fixed ten-byte header of a member. */
    HEADER,
    EXTRA_LENGTH,
    EXTRA,
    NAME,
    COMMENT,
    HEADER_CRC,
    DATA,
    /** gzip: CRC-32 and length of a member, skipped. */
    TRAILER,
    /** Nothing more to decode: the stream ended or is not valid. */
    END
  }

  private final Format format;
  private Step step;
  /** The fixed-size header bytes seen so far (gzip header, or deflate's first two). */
  private final byte[] head = new byte[GZIP_HEADER];
  private int headLength;
  /** Bytes still to skip in a fixed-length step. */
  private int skip;
  private int flags;
  private Inflater inflater;

  Inflating(Format format) {
    this.format = format;
    this.step = format == Format.GZIP ? Step.HEADER : Step.SNIFF;
  }

  /**
   * Decodes what {@code in} holds into {@code out}, until {@code in} is used up or {@code out}
   * is full; advances {@code in}'s position past what it used (pass a duplicate to leave the
   * caller's buffer as it is).
   *
   * @return whether more input could still decode to more bytes: {@code false} once the stream
   *     ended, or is not valid, and then the inflater is already ended
   */
  boolean feed(ByteBuffer in, Prefix out) {
    try {
      while (step != Step.END && !out.full()) {
        if (step == Step.DATA) {
          if (!inflate(in, out)) {
            break; // used up, or out is full
          }
          continue;
        }
        if (!in.hasRemaining()) {
          break;
        }
        frame(in, out);
      }
    } catch (DataFormatException e) {
      step = Step.END; // not valid deflate data: judge what was decoded
    }
    if (step == Step.END) {
      end();
      return false;
    }
    return true;
  }

  /** Releases the inflater's native memory; idempotent. Decodes nothing more afterwards. */
  void end() {
    step = Step.END;
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }

  /** Whether it holds an inflater (native memory) now; for tests. */
  boolean holdsInflater() {
    return inflater != null;
  }

  /** Takes the framing bytes of the current step from {@code in}; {@code in} has some. */
  private void frame(ByteBuffer in, Prefix out) throws DataFormatException {
    switch (step) {
      case SNIFF -> sniff(in, out);
      case HEADER -> {
        byte b = in.get();
        head[headLength++] = b;
        if (!plausibleHeader()) {
          step = Step.END; // not gzip (or, after a member, trailing garbage)
        } else if (headLength == GZIP_HEADER) {
          flags = head[3] & 0xff;
          headLength = 0;
          afterFixedHeader();
        }
      }
      case EXTRA_LENGTH -> {
        head[headLength++] = in.get();
        if (headLength == 2) {
          skip = (head[0] & 0xff) | (head[1] & 0xff) << 8;
          headLength = 0;
          step = Step.EXTRA;
          if (skip == 0) {
            afterExtra();
          }
        }
      }
      case EXTRA -> {
        skip -= skipUpTo(in, skip);
        if (skip == 0) {
          afterExtra();
        }
      }
      case NAME, COMMENT -> {
        while (in.hasRemaining()) {
          if (in.get() == 0) {
            if (step == Step.NAME) {
              afterName();
            } else {
              afterComment();
            }
            break;
          }
        }
      }
      case HEADER_CRC, TRAILER -> {
        skip -= skipUpTo(in, skip);
        if (skip == 0) {
          if (step == Step.HEADER_CRC) {
            startData(true);
          } else {
            step = Step.HEADER; // another member may follow
          }
        }
      }
      default -> throw new IllegalStateException(step.name()); // DATA and END never get here
    }
  }

  /** Whether the gzip header bytes seen so far can start a member (deflate method, no reserved flags). */
  private boolean plausibleHeader() {
    int at = headLength - 1;
    int b = head[at] & 0xff;
    return switch (at) {
      case 0 -> b == 0x1f;
      case 1 -> b == 0x8b;
      case 2 -> b == 8;
      case 3 -> (b & FRESERVED) == 0;
      default -> true;
    };
  }

  private void afterFixedHeader() {
    if ((flags & FEXTRA) != 0) {
      step = Step.EXTRA_LENGTH;
    } else {
      afterExtra();
    }
  }

  private void afterExtra() {
    if ((flags & FNAME) != 0) {
      step = Step.NAME;
    } else {
      afterName();
    }
  }

  private void afterName() {
    if ((flags & FCOMMENT) != 0) {
      step = Step.COMMENT;
    } else {
      afterComment();
    }
  }

  private void afterComment() {
    if ((flags & FHCRC) != 0) {
      step = Step.HEADER_CRC;
      skip = 2;
    } else {
      startData(true);
    }
  }

  /**
   * deflate: reads the first two bytes and starts an inflater for zlib (RFC 1950) or raw
   * deflate (RFC 1951), then inflates those two bytes.
   */
  private void sniff(ByteBuffer in, Prefix out) throws DataFormatException {
    if (headLength == 0 && in.remaining() >= 2) { // the usual case: peek, the inflater reads them
      startData(!zlib(in.get(in.position()), in.get(in.position() + 1)));
      return;
    }
    head[headLength++] = in.get();
    if (headLength == 2) { // split across chunks: inflate the two kept bytes first
      headLength = 0;
      startData(!zlib(head[0], head[1]));
      inflate(ByteBuffer.wrap(head, 0, 2), out);
    }
  }

  /** RFC 1950: deflate method, a window of at most 32 KiB, and a header check that holds. */
  private static boolean zlib(byte cmf, byte flg) {
    int c = cmf & 0xff;
    return (c & 0x0f) == 8 && (c >>> 4) <= 7 && ((c << 8) | (flg & 0xff)) % 31 == 0;
  }

  private void startData(boolean raw) {
    if (inflater == null) {
      inflater = new Inflater(raw);
    } else {
      inflater.reset(); // the next gzip member; always raw
    }
    step = Step.DATA;
  }

  /**
   * Inflates from {@code in} into {@code out}.
   *
   * @return whether the step changed and the framing goes on from here ({@code false} when
   *     {@code in} is used up or {@code out} is full)
   */
  private boolean inflate(ByteBuffer in, Prefix out) throws DataFormatException {
    if (!in.hasRemaining()) {
      return false;
    }
    inflater.setInput(in); // the inflater advances in's position as it reads
    try {
      while (!out.full()) {
        int n = out.inflate(inflater);
        if (inflater.finished()) {
          if (format == Format.GZIP) {
            step = Step.TRAILER;
            skip = GZIP_TRAILER;
          } else {
            step = Step.END; // zlib's trailer is the inflater's; anything after it is ignored
          }
          return true;
        }
        if (inflater.needsDictionary()) {
          step = Step.END; // a preset dictionary nobody gave us
          return true;
        }
        if (inflater.needsInput()) {
          return false;
        }
        if (n == 0) {
          step = Step.END; // no progress with input and room: give up rather than spin
          return true;
        }
      }
      return false;
    } finally {
      if (inflater != null) {
        inflater.setInput(EMPTY); // keep no reference to the caller's buffer
      }
    }
  }

  private static int skipUpTo(ByteBuffer in, int n) {
    int k = Math.min(n, in.remaining());
    in.position(in.position() + k);
    return k;
  }
}
