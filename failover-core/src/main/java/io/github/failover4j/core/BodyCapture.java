package io.github.failover4j.core;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The first bytes of a <em>decoded</em> response body, captured as the body flows on to its
 * reader: what the rules see as {@code ResponseView.body}. For transport adapters, including
 * custom ones: create one per response from its {@code Content-Encoding} header with {@link
 * #of(List, int)}, {@link #feed(ByteBuffer) feed} it every body chunk until it {@linkplain
 * #isDone() is done}, read the capture with {@link #prefix(int)}, and {@link #close()} it when
 * the body ends, fails or is cancelled.
 *
 * <p>Feeding never moves the caller's buffer (it reads through {@link ByteBuffer#duplicate()})
 * nor writes to it, and keeps no reference to it, so the body can be handed on exactly as sent.
 * The capture grows on demand: a short body never costs the whole cap. When the body's
 * {@code Content-Length} is known ({@link #of(List, int, long)}) and it is not encoded, the
 * first buffer is exactly the body's length (or the cap, if smaller), so a 350-byte body costs
 * one 350-byte array, which {@link #prefix(int)} then hands out without copying it again.
 *
 * <p>A body sent with {@code Content-Encoding: gzip}, {@code x-gzip} or {@code deflate}
 * (zlib-wrapped, or raw as some servers send it) is inflated chunk by chunk, and the cap counts
 * inflated bytes. The gzip framing (RFC 1952) is parsed byte by byte as it arrives; its optional
 * fields are skipped, never collected, and the trailer's CRC is not checked; members that follow
 * one another are one body. The work is bounded both ways: inflating stops at {@code cap}
 * decoded bytes (a zip bomb costs the cap, no more), and after {@link #inputLimit(int)} encoded
 * bytes, headers included (a stream that inflates to little or nothing, or a gzip header that
 * never ends, costs no more than that either). A stream that is not valid stops decoding where
 * it breaks, keeping every byte decoded before the break; feeding never throws on bad data. A
 * body in any other encoding ({@code br}, {@code zstd}, several stacked codings, …) is not
 * decoded at all: its capture is empty, so a body rule never matches compressed bytes by
 * accident.
 *
 * <p>The {@link Inflater}'s native memory is held only from the first deflate data byte until
 * the capture is done, which releases it; {@link #close()} releases it in every other case.
 *
 * <p>Not thread-safe: one response's body is fed by one thread at a time (an event loop, a
 * body subscriber), with the happens-before its transport gives between chunks.
 */
public final class BodyCapture implements AutoCloseable {
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
  /** The first buffer's size: the expected decoded length when known, else 1 KiB; capped. */
  private final int firstSize;
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

  private BodyCapture(int cap, Coding coding, long contentLength) {
    this.cap = Math.max(0, cap);
    this.coding = coding;
    this.firstSize = (int) Math.min(this.cap,
        coding == Coding.IDENTITY && contentLength >= 0 ? contentLength : FIRST_SIZE);
    this.inputLimit = inputLimit(this.cap);
    this.step = coding == Coding.GZIP ? Step.HEADER : Step.SNIFF;
    this.done = this.cap == 0 || coding == Coding.UNKNOWN;
  }

  /**
   * A capture of a body with these {@code Content-Encoding} header values (every line of the
   * header, in order; each may be a comma-separated list): taken as is (none, or only {@code
   * identity}), inflated (exactly one of {@code gzip}, {@code x-gzip}, {@code deflate}, in any
   * case), or left empty (anything else, several codings included).
   *
   * @param contentEncodings the header's values; empty when the response has none
   * @param cap the most decoded bytes to keep ({@code maxBodyBytes}); 0 or less keeps none
   * @return a new capture, which holds no native memory yet
   */
  public static BodyCapture of(List<String> contentEncodings, int cap) {
    return of(contentEncodings, cap, -1);
  }

  /**
   * As {@link #of(List, int)}, for a body whose length on the wire is known: an identity body
   * is captured into one array of {@code min(contentLength, cap)} bytes, with no growing.
   *
   * @param contentEncodings the header's values; empty when the response has none
   * @param cap the most decoded bytes to keep ({@code maxBodyBytes}); 0 or less keeps none
   * @param contentLength the {@code Content-Length}; negative when unknown (chunked, or none)
   * @return a new capture, which holds no native memory yet
   */
  public static BodyCapture of(List<String> contentEncodings, int cap, long contentLength) {
    return new BodyCapture(cap, coding(contentEncodings), contentLength);
  }

  /**
   * The most encoded bytes a capture of {@code cap} decoded bytes reads: twice the cap plus 4
   * KiB, which deflate only exceeds for data that does not compress at all, sent in tiny
   * flushed pieces. A transport that holds a body back while capturing holds no more than this
   * plus one chunk.
   *
   * @param cap the cap given to {@link #of(List, int)}
   * @return the input allowance, in encoded bytes
   */
  public static long inputLimit(int cap) {
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
   * Takes what it still needs from {@code buf}'s remaining bytes, leaving {@code buf}'s
   * position, limit and content as they were. Does nothing once {@linkplain #isDone() done}.
   * Never throws on bad data: a stream that breaks ends the capture.
   *
   * @param buf the next chunk of the body as sent (heap, direct or read-only)
   * @return whether it is now {@linkplain #isDone() done}
   */
  public boolean feed(ByteBuffer buf) {
    if (done || !buf.hasRemaining()) {
      return done;
    }
    ByteBuffer in = buf.duplicate();
    if (coding == Coding.IDENTITY) {
      int n = Math.min(cap - length, in.remaining());
      grow(length + n);
      in.get(bytes, length, n);
      length += n;
      done = length >= cap;
      return done;
    }
    int end = in.position() + (int) Math.min(in.remaining(), inputLimit - input);
    if (window == null) {
      window = new byte[(int) Math.min(WINDOW, inputLimit)];
    }
    while (!done && in.position() < end) {
      int n = Math.min(window.length, end - in.position());
      in.get(window, 0, n);
      input += n;
      decode(window, n);
    }
    if (input >= inputLimit) {
      close(); // the allowance is used up: judge what decoded
    }
    return done;
  }

  /**
   * Whether it takes nothing more: the cap is reached (always so for a cap of 0), the encoded
   * stream ended, broke or used up its input allowance, the encoding is one it cannot decode,
   * or it was closed. Once done, it holds no inflater.
   *
   * @return whether further chunks would be ignored
   */
  public boolean isDone() {
    return done;
  }

  /**
   * Whether the cap of decoded bytes is reached.
   *
   * @return whether {@link #size()} equals the cap
   */
  public boolean isFull() {
    return length >= cap;
  }

  /**
   * How many decoded bytes it holds.
   *
   * @return at most the cap
   */
  public int size() {
    return length;
  }

  /**
   * Every decoded byte captured so far; as {@link #prefix(int)}, read-only.
   *
   * @return {@link #size()} bytes
   */
  public byte[] bytes() {
    return prefix(Integer.MAX_VALUE);
  }

  /**
   * The first decoded bytes captured so far, for {@code ResponseView.body(max)}.
   *
   * <p>When the capture's own array holds exactly the bytes asked for (a body captured into
   * a buffer sized by its {@code Content-Length}, say), that array is returned rather than a
   * copy: the capture never writes into it again (more bytes would go to a new, larger
   * array), and the caller must not write into it either.
   *
   * @param max the most bytes wanted; 0 or less gives none
   * @return at most {@code max} bytes, to be read, not modified
   */
  public byte[] prefix(int max) {
    int n = Math.min(length, Math.max(0, max));
    return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
  }

  /**
   * Whether it holds an {@link Inflater} (native memory) now: for checks that a transport
   * releases it on every path.
   *
   * @return {@code true} only between the first deflate data byte and the end of the capture
   */
  public boolean holdsInflater() {
    return inflater != null;
  }

  /**
   * Takes nothing more and ends the inflater, if any; idempotent. What was captured stays
   * readable.
   */
  @Override
  public void close() {
    done = true;
    step = Step.END;
    window = null;
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
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
      long grown = Math.max(needed, bytes.length == 0 ? firstSize : 2L * bytes.length);
      bytes = Arrays.copyOf(bytes, (int) Math.min(grown, cap));
    }
  }
}
