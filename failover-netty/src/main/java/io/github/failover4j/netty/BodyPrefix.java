package io.github.failover4j.netty;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The first bytes of a <em>decoded</em> response body, taken as the body flows on: what the
 * rules read. Reading never moves the reader index of the buffers it sees (nor writes to them),
 * so the body reaches the next handler exactly as sent. Grows on demand, so a short body never
 * costs the whole cap. Not thread-safe; lives on one event loop.
 *
 * <p>A body sent with {@code Content-Encoding: gzip}, {@code x-gzip} or {@code deflate}
 * (zlib-wrapped or raw) is inflated chunk by chunk, and the cap counts inflated bytes. The gzip
 * framing (RFC 1952) is parsed byte by byte as it arrives and its optional fields are skipped,
 * never collected; members that follow one another are one body. The work is bounded both
 * ways: inflating stops at {@code cap} decoded bytes (a zip bomb costs the cap, no more), and
 * after {@link #inputLimit(int)} encoded bytes, headers included (a stream that inflates to
 * little or nothing, or a gzip header that never ends, costs no more than that either). A
 * stream that is not valid stops decoding where it breaks, keeping every byte decoded before
 * the break; it never throws. A body in any other encoding ({@code br}, {@code zstd}, several
 * stacked codings, …) is not decoded at all: its prefix is empty, so a body rule never matches
 * compressed bytes by accident.
 *
 * <p>The inflater's native memory is released as soon as the prefix is {@linkplain #full()
 * full}; when the body ends, or the connection closes or fails, before that, the owner calls
 * {@link #close()}.
 */
final class BodyPrefix {
  private static final byte[] EMPTY = new byte[0];
  private static final int FIRST_SIZE = 1024;
  /** The most encoded bytes copied out of a buffer at a time. */
  private static final int WINDOW = 8192;
  /** Encoded bytes allowed beyond twice the cap: headers and tables before the first byte. */
  private static final int INPUT_SLACK = 4096;

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int FRESERVED = 0xe0;
  private static final int GZIP_HEADER = 10;
  private static final int GZIP_TRAILER = 8;

  private enum Coding { IDENTITY, GZIP, DEFLATE, UNKNOWN }

  /** Where in the encoded stream the next byte belongs. */
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

  private final int cap;
  private final Coding coding;
  private final long inputLimit;
  /** Encoded bytes taken so far. */
  private long input;
  private byte[] bytes = EMPTY;
  private int length;
  private boolean done;

  private Step step;
  /** The fixed-size header bytes seen so far (gzip header, or deflate's first two). */
  private final byte[] head = new byte[GZIP_HEADER];
  private int headLength;
  /** Bytes still to skip in a fixed-length step. */
  private int skip;
  private int flags;
  private Inflater inflater;
  /** Encoded bytes copied out of the caller's buffer, for the inflater to read. */
  private byte[] window;

  private BodyPrefix(int cap, Coding coding) {
    this.cap = Math.max(0, cap);
    this.coding = coding;
    this.inputLimit = inputLimit(this.cap);
    this.step = coding == Coding.GZIP ? Step.HEADER : Step.SNIFF;
    this.done = this.cap == 0 || coding == Coding.UNKNOWN;
  }

  /**
   * A prefix of a body with these {@code Content-Encoding} header values (every line of it, in
   * order): taken as is (none, or only {@code identity}), inflated (one of {@code gzip}, {@code
   * x-gzip}, {@code deflate}), or left empty (anything else, several codings included).
   *
   * @param cap the most decoded bytes to keep
   */
  static BodyPrefix of(int cap, List<String> contentEncodings) {
    return new BodyPrefix(cap, coding(contentEncodings));
  }

  /**
   * The most encoded bytes a prefix of {@code cap} decoded bytes reads: twice the cap plus 4
   * KiB, which deflate only exceeds for data that does not compress at all, sent in tiny
   * flushed pieces.
   */
  static long inputLimit(int cap) {
    return 2L * Math.max(0, cap) + INPUT_SLACK;
  }

  /** The one coding applied, ignoring {@code identity}; {@code UNKNOWN} for several. */
  private static Coding coding(List<String> values) {
    Coding found = Coding.IDENTITY;
    for (String value : values) {
      for (String name : value.split(",")) {
        String c = name.trim().toLowerCase(Locale.ROOT);
        if (c.isEmpty() || c.equals("identity")) {
          continue;
        }
        if (found != Coding.IDENTITY) {
          return Coding.UNKNOWN; // stacked codings: not decoded
        }
        found = switch (c) {
          case "gzip", "x-gzip" -> Coding.GZIP;
          case "deflate" -> Coding.DEFLATE;
          default -> Coding.UNKNOWN;
        };
      }
    }
    return found;
  }

  /**
   * Takes what it still needs from {@code buf}'s readable bytes; leaves {@code buf} as it was.
   * Never throws on bad data.
   */
  void add(ByteBuf buf) {
    if (done || !buf.isReadable()) {
      return;
    }
    if (coding == Coding.IDENTITY) {
      int n = Math.min(cap - length, buf.readableBytes());
      grow(length + n);
      buf.getBytes(buf.readerIndex(), bytes, length, n);
      length += n;
      done = length >= cap;
      return;
    }
    int at = buf.readerIndex();
    int end = at + (int) Math.min(buf.readableBytes(), inputLimit - input);
    if (window == null) {
      window = new byte[(int) Math.min(WINDOW, inputLimit)];
    }
    while (!done && at < end) {
      int n = Math.min(window.length, end - at);
      buf.getBytes(at, window, 0, n);
      at += n;
      input += n;
      decode(window, n);
    }
    if (input >= inputLimit) {
      close(); // the allowance is used up: judge what decoded
    }
  }

  /**
   * Whether it takes nothing more: the cap is reached (always so for a cap of 0), the encoded
   * stream ended, broke or used up its input allowance, the encoding is one it cannot decode,
   * or it was closed.
   */
  boolean full() {
    return done;
  }

  /** Up to {@code maxBytes} of the decoded prefix; a copy. */
  byte[] decoded(int maxBytes) {
    return Arrays.copyOf(bytes, Math.min(length, Math.max(0, maxBytes)));
  }

  /** How many decoded bytes it holds. */
  int size() {
    return length;
  }

  /**
   * Takes nothing more and releases the inflater, if any; idempotent. What was decoded stays
   * readable.
   */
  void close() {
    done = true;
    step = Step.END;
    window = null;
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }

  /** Whether it holds an inflater (native memory) now; for tests. */
  boolean holdsInflater() {
    return inflater != null;
  }

  /** Decodes {@code in[0, end)}; closes once nothing more can come of the stream. */
  private void decode(byte[] in, int end) {
    int at = 0;
    try {
      while (step != Step.END && length < cap && at < end) {
        at = step == Step.DATA ? inflate(in, at, end) : frame(in, at, end);
      }
    } catch (DataFormatException e) {
      step = Step.END; // not valid deflate data: judge what was decoded before the break
    }
    if (step == Step.END || length >= cap) {
      close();
    }
  }

  /** Takes framing bytes of the current step from {@code in[at, end)}; returns where it got to. */
  private int frame(byte[] in, int at, int end) throws DataFormatException {
    switch (step) {
      case SNIFF -> {
        if (headLength == 0 && end - at >= 2) { // the usual case: peek, the inflater reads them
          startData(!zlib(in[at], in[at + 1]));
          return at;
        }
        head[headLength++] = in[at++];
        if (headLength == 2) { // split across chunks: inflate the two kept bytes first
          headLength = 0;
          startData(!zlib(head[0], head[1]));
          inflate(head, 0, 2);
        }
      }
      case HEADER -> {
        head[headLength++] = in[at++];
        if (!plausibleHeader()) {
          step = Step.END; // not gzip (or, after a member, trailing garbage)
        } else if (headLength == GZIP_HEADER) {
          flags = head[3] & 0xff;
          headLength = 0;
          afterFixedHeader();
        }
      }
      case EXTRA_LENGTH -> {
        head[headLength++] = in[at++];
        if (headLength == 2) {
          skip = (head[0] & 0xff) | (head[1] & 0xff) << 8;
          headLength = 0;
          step = Step.EXTRA;
          if (skip == 0) {
            afterExtra();
          }
        }
      }
      case EXTRA, HEADER_CRC, TRAILER -> {
        int n = Math.min(skip, end - at);
        skip -= n;
        at += n;
        if (skip == 0) {
          switch (step) {
            case EXTRA -> afterExtra();
            case HEADER_CRC -> startData(true);
            default -> step = Step.HEADER; // another member may follow
          }
        }
      }
      case NAME, COMMENT -> {
        while (at < end) {
          if (in[at++] == 0) {
            if (step == Step.NAME) {
              afterName();
            } else {
              afterComment();
            }
            break;
          }
        }
      }
      default -> step = Step.END; // DATA and END never get here
    }
    return at;
  }

  /** Whether the gzip header bytes seen so far can start a member. */
  private boolean plausibleHeader() {
    int at = headLength - 1;
    int b = head[at] & 0xff;
    return switch (at) {
      case 0 -> b == 0x1f;
      case 1 -> b == 0x8b;
      case 2 -> b == 8; // deflate, the only method
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
   * Inflates {@code in[at, end)} into the room left below the cap; returns where the framing
   * goes on ({@code end} when all of it went to the inflater).
   */
  private int inflate(byte[] in, int at, int end) throws DataFormatException {
    inflater.setInput(in, at, end - at);
    while (length < cap) {
      grow(length + 1);
      int room = bytes.length - length;
      long before = inflater.getBytesWritten();
      int n;
      try {
        n = inflater.inflate(bytes, length, room);
      } catch (DataFormatException e) {
        // The call may have written good bytes before it met the break; the inflater counts
        // them (and only there), so they are kept.
        length += (int) (inflater.getBytesWritten() - before);
        throw e;
      }
      length += n;
      if (inflater.finished()) {
        if (coding == Coding.GZIP) {
          step = Step.TRAILER;
          skip = GZIP_TRAILER;
        } else {
          step = Step.END; // zlib's trailer is the inflater's; anything after it is ignored
        }
        return end - inflater.getRemaining();
      }
      if (inflater.needsDictionary()) {
        step = Step.END; // a preset dictionary nobody gave us
        return end;
      }
      if (n == room) {
        continue; // the room is used up: more output may be pending without more input
      }
      if (inflater.needsInput()) {
        return end;
      }
      if (n == 0) {
        step = Step.END; // no progress with input and room: give up rather than spin
        return end;
      }
    }
    return end; // full
  }

  private void grow(int needed) {
    if (needed > bytes.length) {
      long grown = Math.max(needed, Math.max(FIRST_SIZE, 2L * bytes.length));
      bytes = Arrays.copyOf(bytes, (int) Math.min(grown, cap));
    }
  }
}
