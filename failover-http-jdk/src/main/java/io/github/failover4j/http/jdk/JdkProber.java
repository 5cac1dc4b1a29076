package io.github.failover4j.http.jdk;

import io.github.failover4j.core.BodyCapture;
import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends the engine's probes with an {@link HttpClient}, asynchronously, bounded by the probe's
 * timeout, reading at most the probe's {@code maxBodyBytes} of an answer, decoded: a gzip or
 * deflate answer is inflated for the health-check conditions, one in another encoding ({@code
 * br}, {@code zstd}) shows them an empty body (see {@link BodyCapture}). Never throws: a
 * request the JDK refuses to build completes the stage exceptionally, like a transport error;
 * a connection failure names the host it could not reach.
 */
final class JdkProber implements ProbeTransport {
  private final HttpClient http;

  JdkProber(HttpClient http) {
    this.http = http;
  }

  @Override
  public CompletionStage<ResponseView> send(ProbeRequest probe) {
    try {
      return http.sendAsync(toHttp(probe),
              info -> new ProbeBody(new View(info.statusCode(), info.headers()),
                  Captures.of(probe.maxBodyBytes(), info.headers())))
          .thenApply(HttpResponse::body)
          .handle((view, error) -> error == null ? CompletableFuture.completedFuture(view)
              : CompletableFuture.<ResponseView>failedFuture(
                  Unreachable.named(null, probe.uri(), error)))
          .thenCompose(stage -> stage);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static HttpRequest toHttp(ProbeRequest probe) {
    byte[] body = probe.body();
    HttpRequest.Builder b = HttpRequest.newBuilder(probe.uri())
        .timeout(probe.timeout())
        .method(probe.method(),
            body.length == 0 ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : probe.headers().entrySet()) {
      try {
        b.setHeader(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) { // the JDK's message would quote the value: a token
        throw new IllegalArgumentException("probe header " + h.getKey()
            + " has a name or value the JDK does not allow (value hidden)");
      }
    }
    return b.build();
  }
}
