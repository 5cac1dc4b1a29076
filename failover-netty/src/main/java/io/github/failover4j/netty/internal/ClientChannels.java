package io.github.failover4j.netty.internal;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Pipelines of HTTP/1.1 client channels toward an upstream. Not part of the API. */
public final class ClientChannels {
  /** Handler name of the codec, so handlers can be added after it. */
  public static final String CODEC = "http-client-codec";

  private ClientChannels() {}

  /** A client TLS context that verifies the server's certificate and host name. */
  public static SslContext defaultSslContext() {
    try {
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the default client TLS context", e);
    }
  }

  /** Adds TLS (for https, with SNI and host name verification) and the HTTP/1.1 client codec. */
  public static void init(ChannelPipeline pipeline, Endpoint endpoint, SslContext ssl) {
    if (endpoint.tls()) {
      pipeline.addLast("tls", ssl.newHandler(pipeline.channel().alloc(), endpoint.host(),
          endpoint.port()));
    }
    pipeline.addLast(CODEC, new HttpClientCodec());
  }
}
