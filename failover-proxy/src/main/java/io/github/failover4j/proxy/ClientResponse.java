package io.github.failover4j.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

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

  /**
   * Turns the upstream's response head into the client's, in place: end-to-end headers only
   * ({@link Headers#stripHopByHop}), framed by the proxy ({@link Headers#frame}), {@code
   * Connection: close} when the proxy is {@code closing}, the token masked in every header
   * value, HTTP/1.1. Read anything else needed from the upstream's head before (its
   * keep-alive: {@link AttemptState#head}).
   *
   * @return whether the client's body is delimited by closing the connection
   */
  static boolean head(HttpResponse r, boolean headRequest, boolean http10, boolean closing,
      String secret) {
    HttpHeaders h = r.headers();
    String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
    boolean transferCoded = h.contains(HttpHeaderNames.TRANSFER_ENCODING);
    Headers.stripHopByHop(h);
    boolean closeDelimited = Headers.frame(length, transferCoded, h, r.status().code(),
        headRequest, http10);
    if (closing) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      String v = e.getValue().toString(); // the decoder's values are Strings already
      if (v.contains(secret)) {
        e.setValue(v.replace(secret, "*".repeat(secret.length())));
      }
    }
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
    return closeDelimited;
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
