package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The JDK client's side of a {@link BodyCapture}: made from the response's {@link HttpHeaders},
 * fed the {@code List<ByteBuffer>} items a body subscriber receives. The decoding itself (gzip,
 * deflate, caps and limits) is the core's.
 */
final class Captures {
  private Captures() {}

  /** A capture of a body with the {@code Content-Encoding} of {@code headers}. */
  static BodyCapture of(int cap, HttpHeaders headers) {
    long length;
    try {
      length = headers.firstValueAsLong("Content-Length").orElse(-1);
    } catch (NumberFormatException e) {
      length = -1;
    }
    return BodyCapture.of(headers.allValues("Content-Encoding"), cap, length); // sizes it
  }

  /**
   * Feeds {@code buffers} in order, leaving each as it was, until the capture is done; returns
   * whether it is done.
   */
  static boolean feed(BodyCapture capture, List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      if (capture.feed(b)) {
        break;
      }
    }
    return capture.isDone();
  }
}
