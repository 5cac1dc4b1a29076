package io.github.failover4j.core.internal;

import io.github.failover4j.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a configuration file: at most a given number of bytes (a larger file is an error, not a
 * parse that stalls for seconds or runs out of memory), strictly UTF-8 (a byte that is not
 * UTF-8 is reported with its line, not replaced).
 */
public final class ConfigFiles {
  /** The largest configuration file read: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  private ConfigFiles() {}

  /**
   * Reads {@code file} (at most {@link #MAX_BYTES}) and parses it with {@code parser}; syntax
   * errors, which name a line, also name the file.
   */
  public static <T> T load(Path file, Function<String, T> parser) throws IOException {
    String text = read(file, MAX_BYTES);
    try {
      return parser.apply(text);
    } catch (ConfigException e) {
      List<String> lines = new ArrayList<>();
      boolean changed = false;
      for (String line : e.problems()) {
        if (TreeLoader.isSyntaxProblem(line)) {
          line = file + ": " + line;
          changed = true;
        }
        lines.add(line);
      }
      if (!changed) {
        throw e;
      }
      throw new ConfigException(lines);
    }
  }

  /**
   * The file's text.
   *
   * @throws ConfigException naming the file when it is larger than {@code maxBytes} or not
   *     UTF-8 (with the line of the first bad byte)
   * @throws IOException when it cannot be read
   */
  public static String read(Path file, int maxBytes) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    }
    if (bytes.length > maxBytes) {
      throw new ConfigException(List.of(file + ": is larger than " + sizeOf(maxBytes)
          + "; a configuration file cannot be this large"));
    }
    return decode(file, bytes);
  }

  private static String decode(Path file, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ConfigException(List.of(file + ": line " + line + ": is not UTF-8 (byte 0x"
          + String.format("%02x", bytes[at] & 0xff) + " at offset " + at
          + "); save the file as UTF-8"));
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  private static String sizeOf(int bytes) {
    return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB (" + bytes + " bytes)"
        : bytes + " bytes";
  }
}
