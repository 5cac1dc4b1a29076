package io.github.failover4j.benchmarks;

import io.github.failover4j.spi.ResponseView;
import java.util.Arrays;

/**
 * A response built once in setup, read as an adapter would present it: headers looked up by a
 * case-insensitive scan of a handful of names, the body handed over as the captured prefix
 * without a copy when it fits the cap.
 */
final class BenchResponse implements ResponseView {
  private final int status;
  private final String[] names;
  private final String[] values;
  private final byte[] body;

  /**
   * @param headers name, value, name, value…
   */
  BenchResponse(int status, byte[] body, String... headers) {
    this.status = status;
    this.body = body;
    names = new String[headers.length / 2];
    values = new String[headers.length / 2];
    for (int i = 0; i < names.length; i++) {
      names[i] = headers[2 * i];
      values[i] = headers[2 * i + 1];
    }
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public byte[] body(int maxBytes) {
    return body.length <= maxBytes ? body : Arrays.copyOf(body, maxBytes);
  }

  byte[] bodyBytes() {
    return body;
  }
}
