package io.github.failover4j.http.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * An AI provider on a loopback port that behaves per token: it reads the token from the auth
 * header and answers with that token's {@link Behaviour}, which a test may swap at any time.
 * Every call is kept for assertions. Handlers may block (on latches), so each runs on its own
 * thread.
 */
final class FakeProvider implements AutoCloseable {
  static final String OK_BODY = "{\"choices\":[{\"message\":{\"content\":\"我是 a test model\"}}]}";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final String authHeader;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** A provider reading the token from {@code Authorization: Bearer …}. */
  FakeProvider() throws IOException {
    this("Authorization");
  }

  /** A provider reading the token from {@code header} (a {@code Bearer } prefix is dropped). */
  FakeProvider(String header) throws IOException {
    this.authHeader = header;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:43121}. */
  URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":"
        + server.getAddress().getPort());
  }

  /** Answers calls carrying {@code token} with {@code behaviour} from now on. */
  FakeProvider on(String token, Behaviour behaviour) {
    behaviours.put(token, behaviour);
    return this;
  }

  /** Every call received, in arrival order. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls that carried {@code token}. */
  List<Call> calls(String token) {
    return calls.stream().filter(c -> token.equals(c.token())).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String value = ex.getRequestHeaders().getFirst(authHeader);
      String token = value == null ? null
          : value.startsWith("Bearer ") ? value.substring("Bearer ".length()) : value;
      Call call = new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), token,
          Map.copyOf(ex.getRequestHeaders()), ex.getRequestBody().readAllBytes());
      calls.add(call);
      Behaviour b = token == null ? null : behaviours.get(token);
      if (b == null) {
        respond(ex, 401, "unknown token", Map.of());
      } else {
        b.respond(ex, call);
      }
    } finally {
      ex.close(); // before an answer was sent, this drops the connection
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------ behaviours

  /** How the provider answers one call. */
  @FunctionalInterface
  interface Behaviour {
    void respond(HttpExchange ex, Call call) throws IOException;
  }

  /** A call as the provider received it; header names as the JDK server keys them. */
  record Call(String method, String path, String token, Map<String, List<String>> headers,
      byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  static void respond(HttpExchange ex, int status, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach(ex.getResponseHeaders()::set);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
  }

  /**
   * {@code status} with {@code body} sent byte for byte as given, labelled with {@code
   * contentEncoding} (none when {@code null}).
   */
  static Behaviour encoded(int status, byte[] body, String contentEncoding) {
    return (ex, call) -> {
      if (contentEncoding != null) {
        ex.getResponseHeaders().set("Content-Encoding", contentEncoding);
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
    };
  }

  /** {@code 200} with a chat answer that starts with "我是". */
  static Behaviour ok() {
    return (ex, call) -> respond(ex, 200, OK_BODY, Map.of("Content-Type", "application/json"));
  }

  /** {@code 200} with {@code body}. */
  static Behaviour ok(String body) {
    return (ex, call) -> respond(ex, 200, body, Map.of("Content-Type", "application/json"));
  }

  /** An exhausted quota: {@code 429} + {@code No quota available}. */
  static Behaviour quota() {
    return (ex, call) -> respond(ex, 429, "No quota available", Map.of());
  }

  /** {@code 403}, with header {@code failure: true} when {@code flagged}. */
  static Behaviour forbidden(boolean flagged) {
    return (ex, call) -> respond(ex, 403, "{\"error\":\"forbidden\"}",
        flagged ? Map.of("failure", "true") : Map.of());
  }

  /** {@code 503}: the provider failing for this token. */
  static Behaviour unavailable() {
    return (ex, call) -> respond(ex, 503, "busy", Map.of());
  }

  /** Drops the connection without an answer: a transport error for the client. */
  static Behaviour reset() {
    return (ex, call) -> {
      throw new IOException("connection dropped on purpose"); // the server closes it
    };
  }

  /** {@code failure, success, failure, …}: 503 on odd calls, 200 on even ones. */
  static Behaviour alternating() {
    AtomicInteger n = new AtomicInteger();
    Behaviour fail = unavailable();
    Behaviour pass = ok();
    return (ex, call) -> (n.getAndIncrement() % 2 == 0 ? fail : pass).respond(ex, call);
  }

  /** One behaviour per call, in order; the last one repeats. */
  static Behaviour sequence(Behaviour... steps) {
    AtomicInteger n = new AtomicInteger();
    return (ex, call) -> steps[Math.min(n.getAndIncrement(), steps.length - 1)].respond(ex, call);
  }

  /** Holds every answer until the test {@linkplain #release() releases} it. */
  static final class Slow implements Behaviour {
    final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    void release() {
      release.countDown();
    }

    @Override
    public void respond(HttpExchange ex, Call call) throws IOException {
      arrived.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IOException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      ok().respond(ex, call);
    }
  }

  /**
   * A server-sent event stream of several events, each flushed as its own chunk; the last one
   * is sent only once the test {@linkplain #releaseLast() releases} it. When {@code gzip}, the
   * stream is one gzip member ({@code Content-Encoding: gzip}) sync-flushed after every event,
   * as a compressing server streams; {@link #sent()} is every byte that went out.
   */
  static final class Sse implements Behaviour {
    final CountDownLatch lastSent = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> events;
    private final boolean gzip;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    Sse(String... events) {
      this(false, events);
    }

    Sse(boolean gzip, String... events) {
      this.gzip = gzip;
      this.events = new ArrayList<>(List.of(events));
    }

    /** The bytes sent so far, as they went out. */
    synchronized byte[] sent() {
      return sent.toByteArray();
    }

    void releaseLast() {
      release.countDown();
    }

    @Override
    public void respond(HttpExchange ex, Call call) throws IOException {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      if (gzip) {
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      ex.sendResponseHeaders(200, 0); // chunked
      OutputStream body = new FilterOutputStream(ex.getResponseBody()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (Sse.this) {
            sent.write(b, off, len);
          }
          out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }
      };
      OutputStream stream = gzip ? new GZIPOutputStream(body, true) : body;
      for (int i = 0; i < events.size(); i++) {
        if (i == events.size() - 1) {
          try {
            if (!release.await(30, TimeUnit.SECONDS)) {
              throw new IOException("never released");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
        stream.write(("data: " + events.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
        stream.flush();
      }
      stream.close();
      lastSent.countDown();
    }
  }
}
