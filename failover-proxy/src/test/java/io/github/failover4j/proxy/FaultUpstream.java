package io.github.failover4j.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on a loopback ephemeral port, for the hostile tests: a raw {@link
 * ServerSocket} that parses each request on a connection itself (so it sees exactly what the
 * proxy framed, smuggled requests included) and answers with a {@link Script}, which can hang,
 * stall after the head or mid-stream, reset, or send a huge head. Every request received is
 * recorded with its connection number.
 */
final class FaultUpstream implements AutoCloseable {
  /** A request as it arrived: its head (request line and headers), body, connection. */
  record Request(String head, String body, int connection, int nthOnConnection) {
    String requestLine() {
      return head.substring(0, head.indexOf("\r\n"));
    }

    /** A header's value, by name, case-insensitively; null when absent. */
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** What the upstream does with one request; return false to stop reading the connection. */
  @FunctionalInterface
  interface Script {
    boolean answer(Request request, Socket socket, OutputStream out) throws Exception;
  }

  private final ServerSocket server;
  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Script script;

  FaultUpstream(Script script) throws IOException {
    this.script = script;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "fault-upstream");
    t.setDaemon(true);
    t.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Answers from now on with {@code script}. */
  FaultUpstream script(Script s) {
    this.script = s;
    return this;
  }

  /** The next request received, waiting up to 10 s. */
  Request take() throws InterruptedException {
    Request r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the upstream received no request within 10 s");
    }
    return r;
  }

  /** The requests received and not yet taken. */
  List<Request> drain() {
    List<Request> out = new java.util.ArrayList<>();
    received.drainTo(out);
    return out;
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        int no = connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s, no), "fault-upstream-" + no);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s, int no) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int n = 1; ; n++) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        Request r = new Request(head, readBody(head, in), no, n);
        received.add(r);
        if (!script.answer(r, s, out)) {
          return;
        }
      }
    } catch (Exception e) {
      // the proxy went away, or the script reset the connection
    }
  }

  /** The head up to its blank line, or null at the end of the stream. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      byte[] a = b.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** A header of a raw {@code head}, by name; null when absent. */
  static String readHeadHeader(String head, String name) {
    return new Request(head, "", 0, 0).header(name);
  }

  /** The body as the head frames it: Content-Length, chunked, or none. */
  static String readBody(String head, InputStream in) throws IOException {
    Request r = new Request(head, "", 0, 0);
    String te = r.header("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line(in).trim();
        int n = Integer.parseInt(size.split(";")[0], 16);
        if (n == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          return b.toString(StandardCharsets.UTF_8);
        }
        b.write(in.readNBytes(n));
        line(in);
      }
    }
    String cl = r.header("content-length");
    return cl == null ? "" : new String(in.readNBytes(Integer.parseInt(cl)),
        StandardCharsets.UTF_8);
  }

  static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- scripts

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A keep-alive {@code 200} with a JSON body. */
  static Script ok(String json) {
    return (r, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
          + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json);
      return true;
    };
  }

  /** Reads the request and never answers (until the upstream is closed). */
  Script hang() {
    return (r, s, out) -> {
      closed.await();
      return false;
    };
  }

  /** Sends {@code head} and {@code body} (raw), then hangs. */
  Script stallAfter(String head, String body) {
    return (r, s, out) -> {
      write(out, head + body);
      closed.await();
      return false;
    };
  }

  /** Sends {@code head} and {@code body} (raw), then resets the connection (RST). */
  static Script resetAfter(String head, String body) {
    return (r, s, out) -> {
      write(out, head + body);
      s.setSoLinger(true, 0);
      s.close();
      return false;
    };
  }

  /** Sends {@code head} and {@code body} (raw), then closes normally (FIN). */
  static Script closeAfter(String head, String body) {
    return (r, s, out) -> {
      write(out, head + body);
      s.shutdownOutput();
      return false;
    };
  }

  /** The head of a chunked event stream. */
  static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n";

  /** {@code data} as one chunk of a chunked body. */
  static String chunk(String data) {
    return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data
        + "\r\n";
  }

  /** A {@code 200} whose head is padded with a header of {@code bytes} bytes. */
  static Script hugeHead(int bytes) {
    return (r, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nX-Pad: " + "a".repeat(bytes)
          + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
      return true;
    };
  }

  /** Answers with the request's head as its body (an upstream that echoes headers). */
  static Script echo() {
    return (r, s, out) -> {
      write(out, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: "
          + r.head().getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + r.head());
      return true;
    };
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
