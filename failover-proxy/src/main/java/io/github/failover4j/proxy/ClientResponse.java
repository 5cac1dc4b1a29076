package io.github.failover4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * An upstream response as it goes to the client: its head re-framed by {@link Headers#frame},
 * and the token it was sent with masked wherever the upstream echoed it back (an upstream that
 * echoes request headers, e.g. in an error body, would otherwise hand the client the token).
 *
 * <p>The mask keeps the length ({@code *} for each byte), so a {@code Content-Length} stays
 * true. Body chunks are scanned only for non-2xx responses and each chunk on its own: a token
 * split across two chunks of an echoing upstream is not caught (see {@code docs/hardening.md}).
 */
final class ClientResponse {
  private ClientResponse() {}

  /** The head for the client; {@code closeDelimited[0]} tells whether its body ends by close. */
  static HttpResponse head(HttpResponse r, boolean headRequest, boolean http10, boolean closing,
      String secret, boolean[] closeDelimited) {
    HttpHeaders h = Headers.endToEnd(r.headers(), Set.of());
    closeDelimited[0] = Headers.frame(r.headers(), h, r.status().code(), headRequest, http10);
    if (closing) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    for (Map.Entry<String, String> e : h) {
      if (e.getValue().contains(secret)) {
        e.setValue(e.getValue().replace(secret, "*".repeat(secret.length())));
      }
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), h);
  }

  /** Whether bodies of {@code status} are scanned for an echoed token. */
  static boolean scans(int status) {
    return status < 200 || status >= 300;
  }

  /** Masks every whole occurrence of {@code secret} in {@code content}, in place. */
  static void mask(ByteBuf content, String secret) {
    if (content.isReadOnly()) {
      return; // not one of the decoder's own buffers; left as it is (best effort)
    }
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    byte[] stars = new byte[needle.length];
    Arrays.fill(stars, (byte) '*');
    int from = content.readerIndex();
    int end = content.writerIndex();
    while (from <= end - needle.length) {
      int i = content.indexOf(from, end, needle[0]);
      if (i < 0 || i > end - needle.length) {
        return;
      }
      if (matches(content, i, needle)) {
        content.setBytes(i, stars);
        from = i + needle.length;
      } else {
        from = i + 1;
      }
    }
  }

  private static boolean matches(ByteBuf b, int at, byte[] needle) {
    for (int k = 1; k < needle.length; k++) {
      if (b.getByte(at + k) != needle[k]) {
        return false;
      }
    }
    return true;
  }
}
