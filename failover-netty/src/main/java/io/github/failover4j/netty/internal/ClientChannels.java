package io.github.failover4j.netty.internal;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

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

  /**
   * Adds TLS (for https, with SNI and host name verification, whatever {@code ssl} says) and
   * the HTTP/1.1 client codec.
   */
  public static void init(ChannelPipeline pipeline, Endpoint endpoint, SslContext ssl) {
    if (endpoint.tls()) {
      SslHandler tls = ssl.newHandler(pipeline.channel().alloc(), endpoint.host(),
          endpoint.port());
      verifyHostName(tls.engine());
      pipeline.addLast("tls", tls);
    }
    pipeline.addLast(CODEC, new HttpClientCodec());
  }

  /**
   * Turns host name verification on when the context left it off. {@code SslContextBuilder}
   * turns it on by default, but a wrapped JDK context ({@code new JdkSslContext(sslContext,
   * true, ClientAuth.NONE)}) or one built with {@code
   * -Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE} has none: it would take
   * any certificate its trust store accepts, for any host, and hand that host the token.
   */
  private static void verifyHostName(SSLEngine engine) {
    SSLParameters params = engine.getSSLParameters();
    String algorithm = params.getEndpointIdentificationAlgorithm();
    if (algorithm == null || algorithm.isEmpty()) {
      params.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(params);
    }
  }
}
