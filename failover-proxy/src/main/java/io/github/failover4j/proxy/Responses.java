package io.github.failover4j.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The proxy's own answers on its service endpoints: JSON, text and HTML, never cached. */
final class Responses {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Responses() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
    try {
      return bytes(status, "application/json", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
    return bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return r;
  }

  /**
   * An OpenAI-style error: {@code {"error": {"message", "type", "param": null, "code"}}}.
   */
  static FullHttpResponse error(HttpResponseStatus status, String type, String code,
      String message) {
    ObjectNode root = object();
    root.putObject("error").put("message", message).put("type", type).putNull("param")
        .put("code", code);
    return json(status, root);
  }

  /** A {@code 400} listing configuration problems, for a reload that was refused. */
  static FullHttpResponse problems(String message, List<String> problems) {
    ObjectNode root = object();
    ObjectNode error = root.putObject("error").put("message", message)
        .put("type", "invalid_request_error").putNull("param").put("code", "invalid_config");
    problems.forEach(error.putArray("problems")::add);
    return json(HttpResponseStatus.BAD_REQUEST, root);
  }
}
