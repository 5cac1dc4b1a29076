package io.github.failover4j.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How a response that broke after bytes went to the client ends (SPEC §10): an event stream
 * gets one OpenAI-style SSE error event, {@code data: {"error": {"message": …, "type":
 * "upstream_error", …}}}; then, stream or not, the client connection is closed <em>without</em>
 * the final chunk (or before the announced {@code Content-Length}), so no client can take a
 * truncated answer for a complete one.
 */
final class StreamGuard {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamGuard() {}

  /** Whether a response with {@code headers} is a server-sent event stream. */
  static boolean isEventStream(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  /** The SSE error event for {@code message}, ending with its blank line. */
  static ByteBuf errorEvent(String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("message", message).put("type", "upstream_error")
        .putNull("param").put("code", "stream_interrupted");
    return Unpooled.copiedBuffer("data: " + root + "\n\n", StandardCharsets.UTF_8);
  }

  /**
   * Ends a response cut short: the error event when {@code eventStream}, then a close, never
   * the last chunk.
   */
  static void breakOff(ChannelHandlerContext client, boolean eventStream, String message) {
    if (eventStream && client.channel().isActive()) {
      client.writeAndFlush(new DefaultHttpContent(errorEvent(message)))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      client.flush(); // what was relayed so far goes out before the close
      client.close();
    }
  }
}
