package io.github.failover4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compressed bodies for the tests, made with the JDK's own encoders, and the broken ones a
 * provider (or an attacker in its place) could send.
 */
final class Compressed {
  private Compressed() {}

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

  /**
   * A gzip body whose deflate data breaks off after {@code good}: a block holding it is
   * flushed, then comes a block of the reserved type 3, which no inflater accepts. Inflated in
   * one call, the call writes {@code good} and then fails.
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

  /**
   * A gzip header announcing a file name that never ends: {@code nameBytes} non-zero bytes
   * and no terminator.
   */
  static byte[] gzipEndlessName(int nameBytes) {
    byte[] b = new byte[10 + nameBytes];
    System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 8, 0, 0, 0, 0, 0, (byte) 255}, 0, b, 0,
        10);
    Arrays.fill(b, 10, b.length, (byte) 'a');
    return b;
  }

  /**
   * A valid gzip member start followed by {@code blocks} empty stored blocks: valid deflate
   * data that decodes to nothing at all, for as long as it is fed.
   */
  static byte[] gzipOfNothing(int blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(10 + 5 * blocks);
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255});
    for (int i = 0; i < blocks; i++) {
      out.writeBytes(new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xff});
    }
    return out.toByteArray();
  }

  /** {@code bytes} zeros, gzip'd: about a thousandth of that. */
  static byte[] bomb(int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[64 * 1024];
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
      for (int written = 0; written < bytes; written += zeros.length) {
        gz.write(zeros, 0, Math.min(zeros.length, bytes - written));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code data} cut into buffers of {@code size} bytes (the last may be shorter). */
  static List<ByteBuf> chunks(byte[] data, int size) {
    List<ByteBuf> chunks = new ArrayList<>();
    for (int at = 0; at < data.length; at += size) {
      chunks.add(Unpooled.wrappedBuffer(data, at, Math.min(size, data.length - at)));
    }
    return chunks;
  }

}
