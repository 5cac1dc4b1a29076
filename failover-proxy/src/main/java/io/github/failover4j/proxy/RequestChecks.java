package io.github.failover4j.proxy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Locale;

/**
 * The checks a request head passes before the proxy acts on it (SPEC §10, HTTP hygiene). Netty's
 * decoder already refuses a {@code Content-Length} beside {@code Transfer-Encoding}, several or
 * differing {@code Content-Length} values, a final coding other than {@code chunked}, and bad
 * header names or values; these checks add what it lets through: a {@code Connection} header
 * naming a framing header or {@code Host} (its hop-by-hop removal would unframe the body toward
 * the upstream), any coding besides {@code chunked}, a missing or repeated {@code Host} in
 * HTTP/1.1, and an HTTP version other than 1.0 or 1.1.
 */
final class RequestChecks {
  /** Header names a {@code Connection} header must not name. */
  private static final List<String> NOT_HOP_BY_HOP = List.of("content-length",
      "transfer-encoding", "host");

  private RequestChecks() {}

  /** What a refused request gets: a status and a message. */
  record Refusal(HttpResponseStatus status, String message) {}

  /** Why {@code request}'s head is refused; null when it passes. */
  static Refusal check(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      return decoderFailure(result.cause());
    }
    HttpVersion v = request.protocolVersion();
    if (v.majorVersion() != 1 || v.minorVersion() > 1) {
      return new Refusal(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          "only HTTP/1.0 and HTTP/1.1 are served");
    }
    HttpHeaders h = request.headers();
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : value.split(",")) {
        if (NOT_HOP_BY_HOP.contains(name.strip().toLowerCase(Locale.ROOT))) {
          return bad("the Connection header names " + name.strip()
              + ", which is not a hop-by-hop header");
        }
      }
    }
    List<String> codings = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!codings.isEmpty() && (codings.size() > 1
        || !codings.get(0).strip().equalsIgnoreCase("chunked"))) {
      return bad("Transfer-Encoding must be exactly chunked");
    }
    int hosts = h.getAll(HttpHeaderNames.HOST).size();
    if (hosts > 1 || (hosts == 0 && v.minorVersion() == 1)) {
      return bad("an HTTP/1.1 request needs exactly one Host header");
    }
    return null;
  }

  /** Why a body chunk is refused (a corrupt chunked body); null when it passes. */
  static Refusal checkContent(DecoderResult result) {
    return result.isFailure() ? bad("the request body's chunked framing is corrupt") : null;
  }

  private static Refusal decoderFailure(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the request headers are too large");
    }
    if (cause instanceof TooLongHttpLineException) {
      return new Refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "the request line is too long");
    }
    if (cause instanceof TooLongFrameException) {
      return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the request head is too large");
    }
    return bad("the request could not be parsed");
  }

  private static Refusal bad(String message) {
    return new Refusal(HttpResponseStatus.BAD_REQUEST, message);
  }
}
