package io.github.failover4j.http.jdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Compressed bodies for the tests, made with the JDK's own encoders. */
final class Compression {
  private Compression() {}

  /** 100 MiB of zeros, decoded. */
  static final long BOMB_SIZE = 100L << 20;

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(String text) {
    return gzip(utf8(text));
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code deflate} as RFC 9110 means it: zlib-wrapped. */
  static byte[] zlib(String text) {
    return deflate(utf8(text), false);
  }

  /** {@code deflate} as some servers send it: raw, without the zlib wrapper. */
  static byte[] rawDeflate(String text) {
    return deflate(utf8(text), true);
  }

  private static byte[] deflate(byte[] data, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(6, raw))) {
      d.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A gzip body whose deflate data breaks off after {@code good}: a block holding it is
   * flushed, then comes a block of the reserved type 3, which no inflater accepts.
   */
  static byte[] gzipCorruptAfter(String good) {
    byte[] header = Arrays.copyOf(gzip(new byte[0]), 10);
    Deflater d = new Deflater(6, true);
    d.setInput(utf8(good));
    byte[] buf = new byte[1024];
    int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    d.end();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.write(buf, 0, n);
    out.write(0x07); // BFINAL 1, BTYPE 11: reserved, invalid
    out.writeBytes(new byte[64]);
    return out.toByteArray();
  }

  /** A gzip body whose very first deflate block is invalid: nothing decodes. */
  static byte[] gzipCorrupt(String text) {
    byte[] gz = gzip(text);
    gz[10] = 0x07; // the first block header: BFINAL 1, BTYPE 11, invalid
    return gz;
  }

  /** {@link #BOMB_SIZE} zeros, gzip'd: about 100 KiB. */
  static byte[] bomb() {
    return Bomb.BYTES;
  }

  private static final class Bomb {
    static final byte[] BYTES = make();

    private static byte[] make() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128 * 1024);
      byte[] zeros = new byte[1 << 20];
      try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
        for (long written = 0; written < BOMB_SIZE; written += zeros.length) {
          gz.write(zeros);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  /** Inflates a whole gzip body, as a caller would. */
  static String gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
