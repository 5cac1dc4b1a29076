package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * The client's request edited in place into each attempt's upstream head ({@link
 * UpstreamRequest}, {@link Headers}): what a route change and a new attempt must undo.
 */
class UpstreamRequestTest {
  static HttpRequest request(HttpMethod method, String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_0, method, "/client/path", h);
  }

  @Test
  void aProviderChangeDropsTheEarlierProvidersAuthHeaderAndItsToken() {
    UpstreamRequest u = new UpstreamRequest(request(HttpMethod.POST, "Content-Length", "2",
        "X-Custom-Key", "client-value", "X-Kept", "k"));
    u.route("/a/v1/chat", "x-custom-key", "a.example");
    HttpRequest first = u.forAttempt(2);
    assertThat(first.headers().get("x-custom-key")).isNull(); // the client's value: gone
    first.headers().set("x-custom-key", "token-of-a"); // what the failover handler does
    u.route("/b/v1/chat", "authorization", "b.example");
    HttpRequest second = u.forAttempt(2);
    assertThat(second).isSameAs(first);
    assertThat(second.headers().contains("x-custom-key")).isFalse();
    assertThat(second.headers().get("host")).isEqualTo("b.example");
    assertThat(second.uri()).isEqualTo("/b/v1/chat");
    assertThat(second.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(second.headers().getAll("x-kept")).containsExactly("k");
  }

  @Test
  void eachAttemptIsFramedAnewWithoutTheEarlierAttemptsFraming() {
    UpstreamRequest u = new UpstreamRequest(request(HttpMethod.POST, "Transfer-Encoding",
        "chunked"));
    assertThat(u.hasBody()).isTrue();
    u.route("/v1", "authorization", "up");
    HttpHeaders streaming = u.forAttempt(-1).headers(); // the body still arrives
    assertThat(streaming.getAll("transfer-encoding")).containsExactly("chunked");
    assertThat(streaming.contains("content-length")).isFalse();
    HttpHeaders whole = u.forAttempt(42).headers(); // a retry, the body known by then
    assertThat(whole.getAll("content-length")).containsExactly("42");
    assertThat(whole.contains("transfer-encoding")).isFalse();
  }

  @Test
  void aBodylessGetHasNoFramingAndAnEmptyPostSaysZero() {
    UpstreamRequest get = new UpstreamRequest(request(HttpMethod.GET, "Content-Length", "0"));
    assertThat(get.hasBody()).isFalse();
    get.route("/v1", "authorization", "up");
    assertThat(get.forAttempt(0).headers().contains("content-length")).isFalse();
    UpstreamRequest post = new UpstreamRequest(request(HttpMethod.POST));
    post.route("/v1", "authorization", "up");
    assertThat(post.forAttempt(0).headers().getAll("content-length")).containsExactly("0");
  }

  @Test
  void headersNamedInAnyConnectionLineGoWhateverTheirCaseAndSpacing() {
    HttpRequest r = request(HttpMethod.GET, "Connection", "Keep-Alive ,\tX-One,,x-TWO",
        "connection", "CLOSE, X-Three", "X-ONE", "1", "x-two", "2", "X-Three", "3",
        "Close", "not an option header, but named", "X-Kept", "k", "Cookie", "c",
        "Api-Key", "a", "Host", "client", "Expect", "100-continue", "TE", "trailers");
    new UpstreamRequest(r);
    assertThat(r.headers().names()).containsExactly("X-Kept");
  }

  @Test
  void aResponsesHopByHopHeadersGoInPlaceAndItsEndToEndOnesStayInOrder() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Content-Type", "application/json").add("Connection", "x-hop")
        .add("X-Hop", "h").add("Transfer-Encoding", "chunked").add("Upgrade", "u")
        .add("X-Kept", "k").add("Set-Cookie", "s").add("Keep-Alive", "timeout=5");
    Headers.stripHopByHop(h);
    assertThat(h.names()).containsExactly("Content-Type", "X-Kept", "Set-Cookie");
  }
}
