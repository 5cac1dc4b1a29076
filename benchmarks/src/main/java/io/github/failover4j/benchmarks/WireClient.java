package io.github.failover4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking HTTP/1.1 keep-alive client that allocates nothing per exchange, so that in {@link
 * ProxyBenchmark} the bytes allocated per operation are the server side's: it writes one
 * prebuilt request and reads the response into a reused buffer, following {@code
 * Content-Length} or {@code chunked} framing. Not a general client: no pipelining, no 1xx, no
 * trailers.
 */
final class WireClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] request;
  private final byte[] buf = new byte[1 << 16];
  private int start;
  private int end;
  private int bodyBytes;

  WireClient(InetSocketAddress to, String path, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\n"
        + "Host: " + to.getHostString() + ":" + to.getPort() + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Accept: application/json\r\n"
        + "User-Agent: OpenAI/Python 1.54.0\r\n"
        + "Authorization: Bearer sk-client-load-test\r\n"
        + "Content-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    request = new byte[h.length + b.length];
    System.arraycopy(h, 0, request, 0, h.length);
    System.arraycopy(b, 0, request, h.length, b.length);
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(to, 5_000);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /**
   * One exchange; returns the status code ({@link #bodyBytes()}: the body's length).
   *
   * @throws IOException when the connection fails or the response is malformed
   */
  int exchange() throws IOException {
    out.write(request);
    out.flush();
    int headEnd;
    while ((headEnd = find(start)) < 0) {
      fill();
    }
    int status = (buf[start + 9] - '0') * 100 + (buf[start + 10] - '0') * 10
        + (buf[start + 11] - '0');
    long length = -1;
    boolean chunked = false;
    int line = lineEnd(start) + 2;
    while (line < headEnd + 2) {
      int next = lineEnd(line);
      if (startsWithIgnoreCase(line, "content-length:")) {
        length = number(line + 15, next, 10);
      } else if (startsWithIgnoreCase(line, "transfer-encoding:")) {
        chunked = true; // the only coding a server may send us besides identity
      }
      line = next + 2;
    }
    start = headEnd + 4;
    int bodyBytes = 0;
    if (chunked) {
      while (true) {
        int e;
        while ((e = crlf(start)) < 0) {
          fill();
        }
        int size = (int) number(start, e, 16);
        start = e + 2;
        skip(size + 2); // the chunk and its CRLF (the last chunk's CRLF ends the message)
        bodyBytes += size;
        if (size == 0) {
          break;
        }
      }
    } else if (length >= 0) {
      skip((int) length);
      bodyBytes = (int) length;
    } else {
      throw new IOException("response without Content-Length or chunked");
    }
    this.bodyBytes = bodyBytes;
    return status;
  }

  /** The body length of the last response. */
  int bodyBytes() {
    return bodyBytes;
  }

  private void skip(int n) throws IOException {
    while (end - start < n) {
      n -= end - start;
      start = end;
      fill();
    }
    start += n;
  }

  private void fill() throws IOException {
    if (start == end) {
      start = 0;
      end = 0;
    } else if (end == buf.length) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      throw new IOException("connection closed by the server");
    }
    end += n;
  }

  /** Where the {@code \r\n\r\n} ending the head starts, or -1. */
  private int find(int from) {
    for (int i = from; i + 3 < end; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private int crlf(int from) {
    for (int i = from; i + 1 < end; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private int lineEnd(int from) {
    int e = crlf(from);
    return e < 0 ? end : e;
  }

  private boolean startsWithIgnoreCase(int at, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (at + i >= end || Character.toLowerCase(buf[at + i]) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long number(int from, int to, int radix) throws IOException {
    long v = 0;
    boolean any = false;
    for (int i = from; i < to; i++) {
      int d = Character.digit(buf[i], radix);
      if (d >= 0) {
        v = v * radix + d;
        any = true;
      } else if (buf[i] == ';' || (any && buf[i] != ' ')) {
        break;
      }
    }
    if (!any) {
      throw new IOException("no number in a length");
    }
    return v;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
