package io.github.failover4j.core;

import io.github.failover4j.spi.ResponseView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A response to judge: status, headers and body given by the test; counts body reads. */
final class TestResponse implements ResponseView {
  private final int status;
  private final List<String[]> headers = new ArrayList<>();
  private byte[] body = new byte[0];
  int bodyReads;
  int lastBodyCap = -1;

  private TestResponse(int status) {
    this.status = status;
  }

  static TestResponse status(int status) {
    return new TestResponse(status);
  }

  TestResponse header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  TestResponse body(String text) {
    this.body = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    List<String> all = headers(name);
    return all.isEmpty() ? null : all.get(0);
  }

  @Override
  public List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (String[] h : headers) {
      if (h[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        out.add(h[1]);
      }
    }
    return out;
  }

  @Override
  public byte[] body(int maxBytes) {
    bodyReads++;
    lastBodyCap = maxBytes;
    return Arrays.copyOf(body, Math.min(maxBytes, body.length));
  }
}
