package io.github.failover4j.netty;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The first bytes of a decoded response body, taken as the body flows on. Reading never moves
 * the reader index of the buffers it sees, so the body reaches the next handler untouched.
 * A gzip or deflate body is inflated on the fly, so the cap counts decoded bytes as the rules
 * see them; a body in an encoding this class cannot decode (br, zstd) yields nothing, so a
 * body rule never matches compressed bytes by accident.
 */
final class BodyPrefix {
  private static final byte[] EMPTY = new byte[0];
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum Coding { IDENTITY, GZIP, DEFLATE, UNKNOWN }

  private final int cap;
  private final Coding coding;
  private byte[] bytes = EMPTY;
  private int length;
  private Inflater inflater;
  /** The gzip header bytes seen so far, until the header is complete. */
  private byte[] gzipHeader = EMPTY;
  private boolean done;

  /**
   * @param cap the most decoded bytes to keep
   * @param contentEncoding the response's {@code Content-Encoding}, or {@code null}
   */
  BodyPrefix(int cap, String contentEncoding) {
    this.cap = Math.max(0, cap);
    String enc = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    this.coding = switch (enc) {
      case "", "identity" -> Coding.IDENTITY;
      case "gzip", "x-gzip" -> Coding.GZIP;
      case "deflate" -> Coding.DEFLATE;
      default -> Coding.UNKNOWN;
    };
    this.done = this.cap == 0 || coding == Coding.UNKNOWN;
  }

  /** Takes what it still needs from {@code buf}'s readable bytes; leaves {@code buf} as it was. */
  void add(ByteBuf buf) {
    if (done || !buf.isReadable()) {
      return;
    }
    if (coding == Coding.IDENTITY) {
      int n = Math.min(cap - length, buf.readableBytes());
      ensure(length + n);
      buf.getBytes(buf.readerIndex(), bytes, length, n);
      length += n;
      done = length >= cap;
      return;
    }
    byte[] in = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), in);
    int from = 0;
    if (inflater == null) {
      from = startInflater(in);
      if (inflater == null) {
        return; // the gzip header is not complete yet
      }
    }
    inflate(in, from);
  }

  /** Whether it has all it will keep: the cap, the end of the deflate stream, or a bad stream. */
  boolean full() {
    return done;
  }

  /**
   * Up to {@code maxBytes} of the decoded prefix: the capture's own array when it holds exactly
   * that (the usual case for a body that came in one piece), else a copy. Read it, do not
   * change it; nothing is added to a capture once it is judged.
   */
  byte[] decoded(int maxBytes) {
    int n = Math.min(length, Math.max(0, maxBytes));
    return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
  }

  /** Creates the inflater once the stream's header is known; returns where the data begins. */
  private int startInflater(byte[] in) {
    if (coding == Coding.DEFLATE) {
      // "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate.
      boolean zlib = in.length >= 2 && (in[0] & 0x0f) == 8
          && ((in[0] & 0xff) * 256 + (in[1] & 0xff)) % 31 == 0;
      inflater = new Inflater(!zlib);
      return 0;
    }
    int seen = gzipHeader.length;
    gzipHeader = Arrays.copyOf(gzipHeader, seen + in.length);
    System.arraycopy(in, 0, gzipHeader, seen, in.length);
    int headerLength = gzipHeaderLength(gzipHeader);
    if (headerLength == -2) {
      finish();
      return 0;
    }
    if (headerLength < 0) {
      return 0;
    }
    inflater = new Inflater(true);
    gzipHeader = EMPTY;
    return headerLength - seen;
  }

  private void inflate(byte[] in, int from) {
    inflater.setInput(in, from, in.length - from);
    try {
      while (length < cap && !inflater.finished()) {
        ensure(Math.min(cap, Math.max(length + 1024, length * 2)));
        int n = inflater.inflate(bytes, length, Math.min(cap, bytes.length) - length);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return;
        }
        length += n;
      }
    } catch (DataFormatException e) {
      // not a valid stream: judge on what was decoded
    }
    finish();
  }

  private void finish() {
    done = true;
    if (inflater != null) {
      inflater.end();
    }
  }

  /**
   * Makes room for {@code size} bytes (at most the cap). Grows at least by doubling: a body
   * that arrives in many small chunks (a stream of server-sent events) must not copy all it
   * has so far for every chunk.
   */
  private void ensure(int size) {
    if (size > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(cap, Math.max(size, 2 * bytes.length)));
    }
  }

  /** The length of a gzip header (RFC 1952), -1 when incomplete, -2 when not gzip. */
  static int gzipHeaderLength(byte[] h) {
    if (h.length >= 1 && (h[0] & 0xff) != 0x1f || h.length >= 2 && (h[1] & 0xff) != 0x8b
        || h.length >= 3 && h[2] != 8) {
      return -2;
    }
    if (h.length < 10) {
      return -1;
    }
    int flags = h[3];
    int at = 10;
    if ((flags & FEXTRA) != 0) {
      if (h.length < at + 2) {
        return -1;
      }
      at += 2 + ((h[at] & 0xff) | (h[at + 1] & 0xff) << 8);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        while (at < h.length && h[at] != 0) {
          at++;
        }
        if (at >= h.length) {
          return -1;
        }
        at++;
      }
    }
    if ((flags & FHCRC) != 0) {
      at += 2;
    }
    return at <= h.length ? at : -1;
  }
}
