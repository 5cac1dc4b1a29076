package io.github.failover4j.proxy;

import io.github.failover4j.core.Auth;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The proxy as a service: the front door every request passes before routing (the proxy's own
 * endpoints answered locally, client keys checked), and what operators use (admin endpoints,
 * metrics, access log, reload). One per proxy.
 */
final class Service {
  private static final System.Logger LOG = System.getLogger(FailoverProxy.class.getName());

  private final FailoverProxy proxy;
  private final Consumer<String> operatorLog;
  private final Consumer<String> accessLogSink;
  private final RecentEvents recent = new RecentEvents(50);
  private final ProxyMetrics metrics;
  private final AdminEndpoints admin;
  private final Reloader reloader;

  Service(FailoverProxy proxy, Path configFile, Consumer<String> operatorLog,
      Consumer<String> accessLogSink) {
    this.proxy = proxy;
    this.operatorLog = operatorLog != null ? operatorLog
        : line -> LOG.log(System.Logger.Level.INFO, line);
    this.accessLogSink = accessLogSink != null ? accessLogSink : System.out::println;
    this.metrics = new ProxyMetrics(proxy.registry());
    this.admin = new AdminEndpoints(proxy, this);
    this.reloader = configFile == null ? null : new Reloader(proxy, configFile, System::getenv,
        this::log);
  }

  /** What every pool tells its events to: the status page's recent events. */
  java.util.List<io.github.failover4j.spi.TokenListener> listeners() {
    return java.util.List.of(recent);
  }

  RecentEvents recentEvents() {
    return recent;
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  /** The reloader of the proxy's config file, or null when it was started without one. */
  Reloader reloader() {
    return reloader;
  }

  /** Writes one line to the operator log. */
  void log(String line) {
    operatorLog.accept(line);
  }

  boolean accessLogOn() {
    return proxy.routing().service().accessLog() != null;
  }

  /**
   * Answers the proxy's own endpoints and refuses requests without a valid client key; returns
   * whether the request was answered here (else it is routed to a provider). Paths under
   * {@code /_failover}, {@code /healthz}, {@code /readyz}, {@code /health} and {@code
   * /metrics} are always answered here, never forwarded.
   */
  boolean intercept(FrontendHandler front, ChannelHandlerContext ctx, HttpRequest request,
      String path) {
    RequestObserver.Record record = RequestObserver.current(ctx.channel());
    if (AdminEndpoints.isLocal(path)) {
      if (record != null) {
        record.local = true;
      }
      front.answer(admin.answer(ctx, request, path));
      return true;
    }
    Routing routing = proxy.routing();
    Route route = routing.route(path);
    ClientKeys keys = routing.service().clients();
    String client = keys.enabled() ? client(keys, request.headers(), route) : null;
    if (record != null) {
      record.provider = route == null ? null : route.pool().name();
      record.client = keys.enabled() ? (client == null ? ProxyMetrics.UNAUTHENTICATED : client)
          : null;
    }
    if (keys.enabled() && client == null) {
      front.answer(Responses.error(HttpResponseStatus.UNAUTHORIZED, "invalid_request_error",
          "invalid_api_key", "Missing or invalid client key. Send one of this proxy's client "
              + "keys as 'Authorization: Bearer <key>'"
              + (route == null ? "." : " or in the '" + route.pool().auth().header()
                  + "' header.")));
      return true;
    }
    return false;
  }

  /**
   * The name of the client whose key the request carries, or null: the key may come as {@code
   * Authorization: Bearer} or in the provider's own auth header (e.g. {@code x-api-key}), the
   * two headers that are never forwarded; each is compared against every client key.
   */
  static String client(ClientKeys keys, HttpHeaders h, Route route) {
    String found = keys.match(bearer(h.get(HttpHeaderNames.AUTHORIZATION), "Bearer"));
    if (found == null && route != null) {
      Auth auth = route.pool().auth();
      if (!auth.header().equalsIgnoreCase("authorization")) {
        found = keys.match(bearer(h.get(auth.header()), auth.scheme()));
      }
    }
    return found;
  }

  /** {@code value} without its {@code scheme} prefix; the whole value when it has none. */
  static String bearer(String value, String scheme) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (scheme != null && !scheme.isEmpty() && v.length() > scheme.length()
        && v.regionMatches(true, 0, scheme, 0, scheme.length())
        && v.charAt(scheme.length()) == ' ') {
      return v.substring(scheme.length() + 1).trim();
    }
    return scheme != null && scheme.equalsIgnoreCase("Bearer") ? null : v;
  }

  /** Whether the connection comes from this machine. */
  static boolean loopback(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a
        && a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }

  /** A request was answered (or its connection ended): metrics and the access log. */
  void answered(RequestObserver.Record r) {
    if (r.local) {
      return;
    }
    long nanos = System.nanoTime() - r.startNanos;
    ServiceConfig s = proxy.routing().service();
    String client = r.client != null ? r.client : ProxyMetrics.NO_CLIENT;
    metrics.request(r.provider != null ? r.provider : ProxyMetrics.NO_PROVIDER, client,
        r.status, nanos, r.attempts);
    if (s.accessLog() != null) {
      AccessLog.write(s.accessLog(), r, nanos, accessLogSink);
    }
  }

  /** The response refusing an admin request, or null when it may go ahead. */
  FullHttpResponse refuseAdmin(ChannelHandlerContext ctx, HttpRequest request) {
    KeyDigest key = proxy.routing().service().adminKey();
    if (key == null) {
      return loopback(ctx) ? null : Responses.error(HttpResponseStatus.FORBIDDEN,
          "permission_error", "admin_loopback_only", "the admin endpoints answer only on "
              + "loopback while no admin key is configured (admin: {key: ...})");
    }
    String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    String presented = null;
    if (auth != null) {
      String v = auth.trim();
      if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
        presented = v.substring(7).trim();
      } else if (v.regionMatches(true, 0, "Basic ", 0, 6)) {
        presented = basicPassword(v.substring(6).trim());
      }
    }
    if (presented != null && key.matches(KeyDigest.sha256(presented))) {
      return null;
    }
    FullHttpResponse r = Responses.error(HttpResponseStatus.UNAUTHORIZED,
        "invalid_request_error", "invalid_admin_key", "the admin key is missing or wrong "
            + "(Authorization: Bearer <key>, or Basic with the key as password)");
    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
        "Basic realm=\"failover4j admin\", charset=\"UTF-8\"");
    return r;
  }

  private static String basicPassword(String encoded) {
    try {
      String decoded = new String(java.util.Base64.getDecoder().decode(encoded),
          java.nio.charset.StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a state-changing admin request comes from another web origin (CSRF). */
  static boolean crossOrigin(HttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (origin == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    String originHost = scheme < 0 ? origin : origin.substring(scheme + 3);
    return host == null || !originHost.toLowerCase(Locale.ROOT)
        .equals(host.toLowerCase(Locale.ROOT));
  }

  void close() {
    if (reloader != null) {
      reloader.close();
    }
    metrics.close();
  }
}
