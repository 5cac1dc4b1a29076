package io.github.failover4j.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class ClientChannelsTest {

  @Test
  void anHttpsPipelineSendsTheHostAsSniAndVerifiesIt() throws Exception {
    // a context that leaves host name verification off, as a wrapped JDK context does
    SslContext lax = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null).build();
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      ClientChannels.init(ch.pipeline(),
          Endpoint.of(URI.create("https://api.example.com:8443/v1")), lax);
      SSLEngine engine = ch.pipeline().get(SslHandler.class).engine();
      assertThat(engine.getUseClientMode()).isTrue();
      assertThat(engine.getPeerHost()).isEqualTo("api.example.com");
      assertThat(engine.getPeerPort()).isEqualTo(8443);
      SSLParameters params = engine.getSSLParameters();
      assertThat(params.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      assertThat(params.getServerNames()).containsExactly(new SNIHostName("api.example.com"));
      assertThat(ch.pipeline().names()).containsSubsequence("tls", ClientChannels.CODEC);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void anHttpPipelineHasNoTls() {
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      ClientChannels.init(ch.pipeline(), Endpoint.of(URI.create("http://127.0.0.1:8080")),
          ClientChannels.defaultSslContext());
      assertThat(ch.pipeline().get(SslHandler.class)).isNull();
      assertThat(ch.pipeline().get(ClientChannels.CODEC)).isInstanceOf(HttpClientCodec.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
