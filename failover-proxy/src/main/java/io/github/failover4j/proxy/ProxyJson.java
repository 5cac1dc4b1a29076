package io.github.failover4j.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.failover4j.core.TokenSnapshot;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The proxy's own JSON: OpenAI-style errors and the status page. Never holds a token. */
final class ProxyJson {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ProxyJson() {}

  /**
   * An OpenAI-style error response: {@code {"error": {"message", "type", "param", "code"}}}.
   *
   * @param type also used as the code, e.g. {@code no_healthy_token}
   */
  static FullHttpResponse error(HttpResponseStatus status, String type, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message).put("type", type).putNull("param").put("code", type);
    return response(status, root);
  }

  /** {@code 503} with {@code Retry-After}: every token of a provider is out of service. */
  static FullHttpResponse noHealthyToken(io.github.failover4j.core.NoHealthyTokenException ex) {
    FullHttpResponse r = error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_healthy_token",
        "every API token of provider '" + ex.pool() + "' is out of service; retry after "
            + ex.retryAfterSeconds() + " s");
    r.headers().set(HttpHeaderNames.RETRY_AFTER,
        ex.retryAfterSeconds());
    return r;
  }

  /**
   * {@code 503} with {@code Retry-After}: no target of a route could be selected (SPEC §9).
   *
   * @param retryAfter when a token may return, or {@code null} when unknown
   */
  static FullHttpResponse noTarget(String model, Duration retryAfter) {
    long seconds = retryAfter == null ? 1
        : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    FullHttpResponse r = error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_healthy_target",
        "no target of the route for model '" + model + "' can serve now; retry after "
            + seconds + " s");
    r.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
    return r;
  }

  /**
   * The proxy's answer when an upstream gave no usable response: {@code 504} after a timeout,
   * {@code 502} for a response it cannot read, else {@code 502} unreachable.
   */
  static FullHttpResponse upstreamFailure(String provider, boolean timedOut, boolean unreadable) {
    String who = "the upstream of provider '" + provider + "'";
    if (timedOut) {
      return error(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
          who + " did not answer in time");
    }
    return unreadable
        ? error(HttpResponseStatus.BAD_GATEWAY, "upstream_bad_response",
            who + " sent a response the proxy cannot read")
        : error(HttpResponseStatus.BAD_GATEWAY, "upstream_unreachable",
            who + " could not be reached");
  }

  /** The status page: every provider's tokens with their state and totals. */
  static FullHttpResponse status(List<Route> routes) {
    return response(HttpResponseStatus.OK, statusTree(routes));
  }

  /** The status page's JSON tree, for the admin endpoints to add to. */
  static ObjectNode statusTree(List<Route> routes) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode providers = root.putArray("providers");
    Instant now = Instant.now();
    for (Route r : routes) {
      List<TokenSnapshot> tokens = r.pool().snapshot();
      ObjectNode p = providers.addObject()
          .put("name", r.pool().name())
          .put("pathPrefix", r.prefix())
          .put("upstream", r.provider().upstream().toString())
          .put("healthy", tokens.stream().filter(t -> t.state().name().equals("HEALTHY"))
              .count())
          .put("total", tokens.size());
      ArrayNode list = p.putArray("tokens");
      for (TokenSnapshot t : tokens) {
        ObjectNode n = list.addObject()
            .put("id", t.id())
            .put("fingerprint", t.fingerprint())
            .put("state", t.state().name())
            .put("consecutiveFailures", t.consecutiveFailures());
        millis(n, "ejectedForMs", t.ejectedFor());
        n.put("ejectedSince", t.ejectedFor() == null ? null
            : now.minus(t.ejectedFor()).toString());
        millis(n, "nextProbeInMs", t.nextProbeIn());
        millis(n, "cooldownLeftMs", t.cooldownLeft());
        n.put("ejectedBy", t.ejectedBy() == null ? null
                : t.ejectedBy().name().toLowerCase(java.util.Locale.ROOT))
            .put("backoffLevel", t.backoffLevel())
            .put("weight", t.weight())
            .put("lastFailureReason", t.lastFailureReason())
            .put("requests", t.requests())
            .put("failures", t.failures())
            .put("ejections", t.ejections())
            .put("probes", t.probes());
      }
    }
    return root;
  }

  private static void millis(ObjectNode n, String field, Duration d) {
    if (d == null) {
      n.putNull(field);
    } else {
      n.put(field, d.toMillis());
    }
  }

  private static FullHttpResponse response(HttpResponseStatus status, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }
}
