package io.github.failover4j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeRequestTest {
  private static final String TOKEN = "sk-live-0123456789abcdef";

  private static ProbeRequest request(byte[] body) {
    return new ProbeRequest("POST", URI.create("http://127.0.0.1/v1/chat/completions"),
        Map.of("Authorization", "Bearer " + TOKEN), body, Duration.ofSeconds(5), 1024);
  }

  @Test
  void toStringHidesHeaderValues() {
    String text = request(new byte[3]).toString();
    assertThat(text).doesNotContain(TOKEN).contains("Authorization").contains("values hidden");
  }

  @Test
  void bodyIsCopiedBothWays() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    ProbeRequest r = request(body);
    body[0] = 'x';
    assertThat(r.body()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    r.body()[0] = 'y';
    assertThat(r.body()[0]).isEqualTo((byte) '{');
    assertThat(r).isEqualTo(request("{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void defaultHeadersListWrapsTheSingleValue() {
    ResponseView view = new ResponseView() {
      @Override
      public int status() {
        return 200;
      }

      @Override
      public String header(String name) {
        return name.equalsIgnoreCase("a") ? "1" : null;
      }

      @Override
      public byte[] body(int maxBytes) {
        return new byte[0];
      }
    };
    assertThat(view.headers("A")).isEqualTo(List.of("1"));
    assertThat(view.headers("b")).isEmpty();
  }
}
