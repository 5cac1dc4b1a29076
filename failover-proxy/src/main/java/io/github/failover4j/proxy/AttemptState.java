package io.github.failover4j.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayList;
import java.util.List;

/** What one attempt of an {@link Exchange} did so far; a new one for every attempt. */
final class AttemptState {
  /** The last chunk of the request was written (maybe not yet on the wire). */
  boolean lastSent;
  /** The whole request reached the upstream's socket. */
  boolean requestWritten;
  /** A write failed: the upstream never got the whole request. */
  boolean writeFailed;
  HttpResponse upstreamHead;
  /** Whether the upstream's head let the connection live on (read before the head is edited). */
  private boolean upstreamKeepAlive;
  boolean eventStream;
  boolean bodyStarted;
  boolean skippingInformational;
  boolean upstreamComplete;
  boolean judged;
  /**
   * A routed stream judged a success before its first bytes: reported to the fallback plan when
   * they come, so a {@code firstByte} timeout can still fall back.
   */
  io.github.failover4j.netty.ResponseJudged judgedEarly;
  /** The response held back until it is judged (or, for a stream, its first bytes). */
  final List<HttpObject> held = new ArrayList<>(4);
  /** The client's response body ends with the connection (an HTTP/1.0 client). */
  boolean closeDelimited;
  /** The response's body is scanned for an echoed token. */
  boolean scanning;

  /** Notes the upstream's response head, and its keep-alive before the proxy edits it. */
  void head(HttpResponse r) {
    upstreamHead = r;
    upstreamKeepAlive = HttpUtil.isKeepAlive(r);
  }

  /** Notes whether a write of the request (its {@code last} one) reached the socket. */
  ChannelFutureListener written(boolean last) {
    return f -> {
      if (!f.isSuccess()) {
        writeFailed = true; // the upstream never got the whole request
        f.channel().close();
      } else if (last) {
        requestWritten = true;
      }
    };
  }

  /** Whether the connection may serve another request: all sent, all read, keep-alive. */
  boolean endedCleanly() {
    return upstreamComplete && requestWritten && !writeFailed && upstreamHead != null
        && upstreamKeepAlive;
  }
}
