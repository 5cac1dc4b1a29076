package io.github.failover4j.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw HTTP/1.1 client on a plain socket, for the attacks a well-behaved client library cannot
 * send (smuggling heads, corrupt chunks, pipelining, slowloris). It writes exactly the bytes it
 * is given and reads responses back as they come, with a read timeout so no test waits
 * forever.
 */
final class RawClient implements AutoCloseable {
  /** How long a read may wait before the test fails; generous, the proxy answers fast. */
  public static final int READ_TIMEOUT_MS = 10_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();

  /** Connects to {@code port} on 127.0.0.1. */
  public RawClient(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    in = new java.io.BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Sends {@code text} as ISO-8859-1 bytes, with {@code \n} left as written. */
  public RawClient send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** A response as read: its status, headers (lower-case names) and body. */
  public record Response(int status, List<String[]> headers, String body) {
    /** The first value of header {@code name}, or null. */
    public String header(String name) {
      for (String[] h : headers) {
        if (h[0].equals(name.toLowerCase(Locale.ROOT))) {
          return h[1];
        }
      }
      return null;
    }
  }

  /** Reads one response (Content-Length or chunked body); fails on timeout or early close. */
  public Response read() throws IOException {
    String head = readHead();
    if (head == null) {
      throw new IOException("the connection closed before a response");
    }
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(new String[] {lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim()});
    }
    Response r = new Response(status, headers, "");
    String body;
    if ("chunked".equalsIgnoreCase(r.header("transfer-encoding"))) {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int size = Integer.parseInt(readLine().trim(), 16);
        if (size == 0) {
          readLine();
          break;
        }
        sb.append(new String(readN(size), StandardCharsets.UTF_8));
        readLine();
      }
      body = sb.toString();
    } else if (r.header("content-length") != null) {
      body = new String(readN(Integer.parseInt(r.header("content-length"))),
          StandardCharsets.UTF_8);
    } else {
      body = "";
    }
    return new Response(status, headers, body);
  }

  /**
   * Whether the peer closed the connection: reads until end of stream (true) or until
   * {@code timeoutMs} passes with the connection still open (false); bytes read are dropped.
   */
  public boolean closedWithin(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      byte[] b = new byte[4096];
      while (in.read(b) >= 0) {
        // drain what the proxy still sends
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the peer: closed as well
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(READ_TIMEOUT_MS);
      }
    }
  }

  /** Whether the peer closed the connection, waiting up to {@link #READ_TIMEOUT_MS}. */
  public boolean closed() throws IOException {
    return closedWithin(READ_TIMEOUT_MS);
  }

  /** Whether the socket has nothing to read right now and is still open (reads 200 ms). */
  public boolean open() throws IOException {
    return !closedWithin(200);
  }

  private String readHead() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      String line = readLine();
      if (line == null) {
        return sb.length() == 0 ? null : sb.toString();
      }
      if (line.isEmpty()) {
        if (sb.length() == 0) {
          continue;
        }
        return sb.toString();
      }
      if (sb.length() > 0) {
        sb.append("\r\n");
      }
      sb.append(line);
    }
  }

  private String readLine() throws IOException {
    buffered.reset();
    int prev = -1;
    while (true) {
      int c = next();
      if (c < 0) {
        return buffered.size() == 0 ? null : buffered.toString(StandardCharsets.ISO_8859_1);
      }
      if (prev == '\r' && c == '\n') {
        byte[] b = buffered.toByteArray();
        return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
      }
      buffered.write(c);
      prev = c;
    }
  }

  private byte[] readN(int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int c = next();
      if (c < 0) {
        throw new IOException("the connection closed inside a body");
      }
      b[off++] = (byte) c;
    }
    return b;
  }

  private int next() throws IOException {
    return in.read();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
