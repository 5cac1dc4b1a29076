package io.github.failover4j.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixTest {

  static List<ByteBuffer> chunk(String s) {
    return List.of(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aBodyOfAnnouncedLengthIsJudgedOnTheCapturedArrayItself() {
    String body = "{\"error\":{\"message\":\"No quota available\"}}";
    Prefix prefix = new Prefix(64 * 1024, body.length());
    List<ByteBuffer> first = chunk(body.substring(0, 10));
    assertThat(prefix.add(first)).isFalse();
    assertThat(first.get(0).position()).isZero(); // the buffer goes on untouched
    prefix.add(chunk(body.substring(10)));
    byte[] bytes = prefix.bytes(64 * 1024);
    assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(body);
    assertThat(prefix.bytes(64 * 1024)).isSameAs(bytes);
    assertThat(new String(prefix.bytes(8), StandardCharsets.US_ASCII)).isEqualTo("{\"error\"");
  }

  @Test
  void aBodyLongerThanAnnouncedOrOfUnknownLengthStillGrowsToTheCap() {
    for (long length : new long[] {4, -1, 1 << 20}) {
      Prefix prefix = new Prefix(3000, length);
      StringBuilder sent = new StringBuilder();
      for (int i = 0; !prefix.full(); i++) {
        String event = "data: " + i + "\n\n";
        sent.append(event);
        prefix.add(chunk(event));
      }
      assertThat(new String(prefix.bytes(3000), StandardCharsets.US_ASCII))
          .isEqualTo(sent.substring(0, 3000));
    }
  }
}
