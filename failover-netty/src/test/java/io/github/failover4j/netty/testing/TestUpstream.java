package io.github.failover4j.netty.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real OpenAI-like upstream on a loopback ephemeral port whose answers depend on the token
 * a request carries: each token gets a {@link Behaviour}. Records every request it receives.
 * Plain HTTP ({@link #TestUpstream()}) or HTTPS with a self-signed certificate ({@link
 * #https(SelfSigned)}).
 */
public final class TestUpstream implements AutoCloseable {
  /** The probe prompt of the engine's health checks. */
  public static final String PROBE_CONTENT = "你是谁?";

  private final HttpServer server;
  private final String scheme;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-upstream");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile String authHeader = "Authorization";

  /** Starts the upstream on 127.0.0.1 and an ephemeral port. */
  public TestUpstream() throws IOException {
    this(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
  }

  /** Starts an HTTPS upstream on 127.0.0.1 and an ephemeral port that presents {@code cert}. */
  public static TestUpstream https(SelfSigned cert) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
    return new TestUpstream(server, "https");
  }

  private TestUpstream(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A request as the upstream received it. */
  public record Received(String method, String path, Map<String, String> headers, String body,
      String token, int nth) {
    /** Whether it is a health-check probe (its prompt is the probe content). */
    public boolean isProbe() {
      return body.contains(PROBE_CONTENT);
    }

    /** Whether the client asked for a stream. */
    public boolean streaming() {
      return body.replace(" ", "").contains("\"stream\":true");
    }

    /** A header, by lower-case name. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** How the upstream answers one token's requests. */
  @FunctionalInterface
  public interface Behaviour {
    /** Answers {@code request} on {@code exchange}. */
    void respond(Received request, HttpExchange exchange) throws Exception;
  }

  /** The base URI, e.g. {@code http://127.0.0.1:1234} (or {@code https://…}). */
  public URI uri() {
    return uri("127.0.0.1");
  }

  /** The base URI naming the upstream {@code host}, e.g. {@code https://localhost:1234}. */
  public URI uri(String host) {
    return URI.create(scheme + "://" + host + ":" + server.getAddress().getPort());
  }

  /** The header the token is read from; default {@code Authorization} (scheme stripped). */
  public TestUpstream authHeader(String name) {
    this.authHeader = name;
    return this;
  }

  /** Makes {@code token}'s requests answered by {@code behaviour}; default {@link #ok()}. */
  public TestUpstream on(String token, Behaviour behaviour) {
    behaviours.put(token, behaviour);
    return this;
  }

  /** The next request received, waiting up to 10 s. */
  public Received take() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the upstream received no request within 10 s");
    }
    return r;
  }

  /** Every request received so far and not yet taken. */
  public List<Received> drain() {
    List<Received> out = new java.util.ArrayList<>();
    received.drainTo(out);
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT),
          v.get(0)));
      String auth = headers.get(authHeader.toLowerCase(Locale.ROOT));
      String token = auth == null ? null : auth.replaceFirst("^Bearer ", "");
      int nth = counts.computeIfAbsent(String.valueOf(token), k -> new AtomicInteger())
          .incrementAndGet();
      Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), headers,
          body, token, nth);
      received.add(r);
      try {
        behaviours.getOrDefault(String.valueOf(token), ok()).respond(r, ex);
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  // ---------------------------------------------------------------- behaviours

  /** 200 with a chat completion (or a short SSE stream when asked); probes pass. */
  public static Behaviour ok() {
    return (r, ex) -> {
      if (r.streaming()) {
        sse(ex, List.of("Hel", "lo"), null);
      } else {
        json(ex, 200, completion(r.isProbe() ? "我是 test model" : "hello from upstream"));
      }
    };
  }

  /** 429 with {@code No quota available}, probes included. */
  public static Behaviour quotaExhausted() {
    return (r, ex) -> json(ex, 429, error("No quota available", "insufficient_quota"));
  }

  /** 403, with header {@code failure: true} when asked. */
  public static Behaviour forbidden(boolean failureHeader) {
    return (r, ex) -> {
      if (failureHeader) {
        ex.getResponseHeaders().set("failure", "true");
      }
      json(ex, 403, error("forbidden", "forbidden"));
    };
  }

  /** Fails (503) on odd requests and succeeds on even ones. */
  public static Behaviour alternating() {
    return (r, ex) -> {
      if (r.nth() % 2 == 1) {
        json(ex, 503, error("temporarily unavailable", "server_error"));
      } else {
        ok().respond(r, ex);
      }
    };
  }

  /** Waits for {@code release} before answering as {@link #ok()}. */
  public static Behaviour slow(CountDownLatch release) {
    return (r, ex) -> {
      release.await();
      ok().respond(r, ex);
    };
  }

  /** Quota exhausted until {@code failingProbes} probes have failed, then {@link #ok()}. */
  public static Behaviour healsAfterProbes(int failingProbes) {
    AtomicInteger probes = new AtomicInteger();
    return (r, ex) -> {
      boolean healed = probes.get() >= failingProbes;
      if (r.isProbe()) {
        probes.incrementAndGet();
      }
      (healed ? ok() : quotaExhausted()).respond(r, ex);
    };
  }

  /** An SSE stream of {@code deltas}; waits for {@code beforeLast} (if any) before the last. */
  public static Behaviour stream(List<String> deltas, CountDownLatch beforeLast) {
    return (r, ex) -> sse(ex, deltas, beforeLast);
  }

  /** Writes a JSON response. */
  public static void json(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  /** Streams chat-completion chunks as SSE, flushing each; {@code [DONE]} ends it. */
  public static void sse(HttpExchange ex, List<String> deltas, CountDownLatch beforeLast)
      throws IOException, InterruptedException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    for (int i = 0; i < deltas.size(); i++) {
      if (i == deltas.size() - 1 && beforeLast != null) {
        beforeLast.await();
      }
      String finish = i == deltas.size() - 1 ? "\"stop\"" : "null";
      String data = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
          + "\"created\":1700000000,\"model\":\"test-model\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\"" + deltas.get(i) + "\"},\"finish_reason\":" + finish
          + "}]}";
      out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** An OpenAI chat completion whose message is {@code content}. */
  public static String completion(String content) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
        + "\"model\":\"test-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
  }

  /** An OpenAI error body. */
  public static String error(String message, String type) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":\"" + type + "\"}}";
  }

  // ---------------------------------------------------------------- TLS

  /**
   * A self-signed EC certificate and its key, made at test time by the JDK's {@code keytool}
   * (no extra dependency, no internal JDK API). Each kind is made once per test JVM.
   */
  public static final class SelfSigned {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static volatile SelfSigned localhost;
    private static volatile SelfSigned localhostNameOnly;

    private final KeyStore keyStore;
    private final X509Certificate certificate;

    private SelfSigned(KeyStore keyStore, X509Certificate certificate) {
      this.keyStore = keyStore;
      this.certificate = certificate;
    }

    /** For {@code localhost} and {@code 127.0.0.1}: valid for both URIs of the upstream. */
    public static SelfSigned localhost() {
      if (localhost == null) {
        synchronized (SelfSigned.class) {
          if (localhost == null) {
            localhost = generate("dns:localhost,ip:127.0.0.1");
          }
        }
      }
      return localhost;
    }

    /** For {@code localhost} only: presented at {@code https://127.0.0.1:…} it mismatches. */
    public static SelfSigned localhostNameOnly() {
      if (localhostNameOnly == null) {
        synchronized (SelfSigned.class) {
          if (localhostNameOnly == null) {
            localhostNameOnly = generate("dns:localhost");
          }
        }
      }
      return localhostNameOnly;
    }

    /** The certificate, for a client to trust. */
    public X509Certificate certificate() {
      return certificate;
    }

    /** A Netty client context trusting this certificate alone (host names verified). */
    public SslContext trustingClient() {
      try {
        return SslContextBuilder.forClient().trustManager(certificate).build();
      } catch (SSLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A JDK context trusting this certificate alone, e.g. to wrap in a Netty context. */
    public SSLContext trustingJdkContext() {
      try {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("upstream", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(
            TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The server's context: presents the certificate. */
    SSLContext serverContext() {
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(
            KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static SelfSigned generate(String subjectAltNames) {
      Path dir = null;
      try {
        dir = Files.createTempDirectory("failover4j-tls");
        Path store = dir.resolve("upstream.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "upstream",
            "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
            "-dname", "CN=localhost", "-ext", "SAN=" + subjectAltNames, "-validity", "30",
            "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD),
            "-J-XX:TieredStopAtLevel=1")
            .redirectErrorStream(true).start();
        p.getOutputStream().close(); // no prompt can wait for an answer
        String output;
        try (InputStream out = p.getInputStream()) {
          output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          ks.load(in, PASSWORD);
        }
        return new SelfSigned(ks, (X509Certificate) ks.getCertificate("upstream"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        if (dir != null) {
          try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          } catch (IOException ignored) {
            // a temp dir left behind is harmless
          }
        }
      }
    }
  }
}
