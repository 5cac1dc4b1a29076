package io.github.failover4j.netty;

import io.github.failover4j.fixtures.Compressed;
import io.github.failover4j.core.BodyCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.NoHealthyTokenException;
import io.github.failover4j.core.Outcome;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.TokenState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailoverClientHandlerTest {
  static final String TOKEN_A = "sk-test-aaaaaaaaaaaaaaaa-0001";
  static final String TOKEN_B = "sk-test-bbbbbbbbbbbbbbbb-0002";

  final List<ResponseJudged> judged = new ArrayList<>();

  TokenPool pool(int threshold, Condition... conditions) {
    return TokenPool.builder("test").tokens(TOKEN_A, TOKEN_B)
        .config(FailoverConfig.builder().failureThreshold(threshold).conditions(conditions)
            .maxBodyBytes(16).build())
        .build();
  }

  EmbeddedChannel channel(TokenPool pool) {
    return new EmbeddedChannel(new FailoverClientHandler(pool),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            judged.add((ResponseJudged) evt);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the transport error reached the gateway's handler; nothing more to do here
          }
        });
  }

  static HttpRequest request() {
    HttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
        "/v1/chat/completions");
    r.headers().set("Authorization", "Bearer client-key");
    return r;
  }

  static HttpResponse response(int status) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
  }

  static HttpContent chunk(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  @Test
  void replacesTheClientsAuthorizationWithTheSelectedToken() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    HttpRequest sent = ch.readOutbound();
    assertThat(sent.headers().getAll("Authorization"))
        .singleElement().isIn("Bearer " + TOKEN_A, "Bearer " + TOKEN_B);
  }

  @Test
  void usesTheTokenTheGatewayChose() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    pool.select(); // moves the round-robin cursor on: the handler must not select itself
    var chosen = pool.select();
    FailoverClientHandler.useToken(ch, chosen);
    ch.writeOutbound(request());
    HttpRequest sent = ch.readOutbound();
    assertThat(sent.headers().get("Authorization")).isEqualTo(chosen.authorization());
  }

  @Test
  void aRequestSentJudgingOnlyIsJudgedButNotRecorded() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    var chosen = pool.select();
    FailoverClientHandler.useTokenJudgingOnly(ch, chosen);
    ch.writeOutbound(request());
    HttpRequest sent = ch.readOutbound();
    assertThat(sent.headers().get("Authorization")).isEqualTo(chosen.authorization());
    ch.writeInbound(response(429));
    assertThat(judged).singleElement().satisfies(j -> {
      assertThat(j.token()).isSameAs(chosen);
      assertThat(j.verdict().outcome()).isEqualTo(Outcome.FAILURE);
    });
    ch.writeInbound(new DefaultLastHttpContent());
    // a second request judging only gets no response: a transport error, not recorded either
    FailoverClientHandler.useTokenJudgingOnly(ch, chosen);
    ch.writeOutbound(request());
    ch.close();
    assertThat(judged).hasSize(2);
    assertThat(judged.get(1).status()).isZero();
    assertThat(pool.snapshot()).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(t.requests()).isZero();
    });
    ch.finishAndReleaseAll();
  }

  @Test
  void judgesOnHeadersAloneWhenNoRuleNeedsTheBody() {
    TokenPool pool = pool(2, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    for (int i = 0; i < 4; i++) { // round robin: each token gets two 429s
      ch.writeOutbound(request());
      ch.writeInbound(response(429));
      assertThat(judged).hasSize(i + 1);
      assertThat(judged.get(i).verdict().outcome()).isEqualTo(Outcome.FAILURE);
      assertThat(judged.get(i).status()).isEqualTo(429);
      ch.writeInbound(new DefaultLastHttpContent());
    }
    assertThat(pool.snapshot()).extracting(s -> s.state())
        .containsExactly(TokenState.EJECTED, TokenState.EJECTED);
    // the messages passed through untouched
    assertThat(ch.inboundMessages()).hasSize(8);
    ch.finishAndReleaseAll();
  }

  @Test
  void passesEveryChunkOnAsItArrivesAndJudgesOnTheCapturedPrefix() {
    TokenPool pool = pool(1, Condition.status(200).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(200));
    ch.writeInbound(chunk("xx No "));
    assertThat(judged).isEmpty();
    assertThat(ch.inboundMessages()).hasSize(2); // head and first chunk already passed on
    HttpContent second = chunk("quota available, and more bytes");
    ch.writeInbound(second);
    assertThat(judged).singleElement().satisfies(j -> {
      assertThat(j.verdict().outcome()).isEqualTo(Outcome.FAILURE);
      assertThat(j.token().id()).doesNotContain(TOKEN_A);
    });
    ch.readInbound();
    ch.readInbound();
    HttpContent passed = ch.readInbound();
    assertThat(passed.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("quota available, and more bytes"); // reader index untouched
    passed.release();
    ch.writeInbound(new DefaultLastHttpContent());
    assertThat(judged).hasSize(1);
    String judgedToken = judged.get(0).token().fingerprint();
    assertThat(pool.snapshot()).filteredOn(s -> s.fingerprint().equals(judgedToken))
        .singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(TokenState.EJECTED));
    ch.finishAndReleaseAll();
  }

  @Test
  void aShortBodyIsJudgedAtItsEnd() {
    TokenPool pool = pool(1, Condition.status(200).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(200));
    ch.writeInbound(chunk("hello"));
    assertThat(judged).isEmpty();
    ch.writeInbound(new DefaultLastHttpContent());
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.SUCCESS));
    ch.finishAndReleaseAll();
  }

  @Test
  void inflatesAGzipBodyForTheRules() throws IOException {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    HttpResponse r = response(429);
    r.headers().set("Content-Encoding", "gzip");
    ch.writeInbound(r);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write("No quota available, says the provider".getBytes(StandardCharsets.UTF_8));
    }
    ByteBuf body = Unpooled.wrappedBuffer(zipped.toByteArray());
    ch.writeInbound(new DefaultLastHttpContent(body));
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.FAILURE));
    ch.finishAndReleaseAll();
  }

  @Test
  void inflatesAGzipBodySplitIntoTinyChunksAndJudgesOnceTheCapIsReached() throws IOException {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    HttpResponse r = response(429);
    r.headers().set("Content-Encoding", "gzip");
    ch.writeInbound(r);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write("No quota available; a long explanation follows ...".repeat(20)
          .getBytes(StandardCharsets.UTF_8));
    }
    byte[] z = zipped.toByteArray();
    for (int i = 0; i < z.length && judged.isEmpty(); i += 3) {
      ch.writeInbound(new DefaultHttpContent(
          Unpooled.wrappedBuffer(z, i, Math.min(3, z.length - i))));
    }
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.FAILURE));
    ch.finishAndReleaseAll();
  }

  // ---------------------------------------------------------------- compressed bodies

  /** A response head with the given {@code Content-Encoding} lines. */
  static HttpResponse response(int status, String... contentEncodings) {
    HttpResponse r = response(status);
    for (String e : contentEncodings) {
      r.headers().add("Content-Encoding", e);
    }
    return r;
  }

  /** Sends a request, then a 429 with {@code encodings} and {@code body} in chunks of {@code size}. */
  EmbeddedChannel answer(TokenPool pool, byte[] body, int size, String... encodings) {
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(429, encodings));
    List<ByteBuf> chunks = ByteBufChunks.of(body, size);
    for (int i = 0; i < chunks.size(); i++) {
      ch.writeInbound(i == chunks.size() - 1
          ? new DefaultLastHttpContent(chunks.get(i)) : new DefaultHttpContent(chunks.get(i)));
    }
    return ch;
  }

  /** The body bytes the next handler got, in order. */
  static byte[] passedOn(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      if (msg instanceof HttpContent c) {
        out.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(c.content()));
      }
      io.netty.util.ReferenceCountUtil.release(msg);
    }
    return out.toByteArray();
  }

  /** Problem 1: the whole body in one chunk, breaking after the words the rule looks for. */
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {3, 4096})
  void aCorruptGzipBodyIsJudgedOnWhatDecodedBeforeTheBreak(int size) {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    byte[] body = Compressed.gzipCorruptAfter("No quota"); // 8 decoded bytes, cap 16
    EmbeddedChannel ch = answer(pool, body, size, "gzip");
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.FAILURE));
    assertThat(passedOn(ch)).isEqualTo(body);
    ch.checkException();
    ch.finishAndReleaseAll();
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"br", "zstd", "gzip, br", "identity|br", "gzip|br"})
  void aBodyInAnEncodingItCannotDecodeIsNotReadByTheRules(String encodings) {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    // bytes that happen to contain the words: the rule must not see them, they are not text
    byte[] body = Compressed.utf8("No quota available, or so the compressed bytes say");
    EmbeddedChannel ch = answer(pool, body, 7, encodings.split("\\|"));
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.SUCCESS));
    assertThat(passedOn(ch)).isEqualTo(body);
    ch.finishAndReleaseAll();
  }

  /** Problem 3: judged once the input allowance is used up, not at the end of the body. */
  @Test
  void aGzipBodyThatInflatesToNothingIsJudgedAtTheInputLimit() {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(429, "gzip"));
    long fed = 0;
    for (ByteBuf chunk : ByteBufChunks.of(Compressed.gzipOfNothing(20_000), 1000)) {
      if (!judged.isEmpty()) {
        chunk.release();
        continue;
      }
      fed += chunk.readableBytes();
      ch.writeInbound(new DefaultHttpContent(chunk));
    }
    assertThat(judged).as("judged before the body ended").singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.SUCCESS));
    assertThat(fed).isLessThanOrEqualTo(BodyCapture.inputLimit(16) + 1000);
    ch.finishAndReleaseAll();
  }

  /** Problem 2: an endless gzip header is not collected until the body ends. */
  @Test
  void anEndlessGzipHeaderIsJudgedAtTheInputLimit() {
    TokenPool pool = pool(1, Condition.status(429).withBody("No quota"));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(429, "gzip"));
    long fed = 0;
    for (ByteBuf chunk : ByteBufChunks.of(Compressed.gzipEndlessName(100_000), 1000)) {
      if (!judged.isEmpty()) {
        chunk.release();
        continue;
      }
      fed += chunk.readableBytes();
      ch.writeInbound(new DefaultHttpContent(chunk));
    }
    assertThat(judged).as("judged before the body ended").hasSize(1);
    assertThat(fed).isLessThanOrEqualTo(BodyCapture.inputLimit(16) + 1000);
    ch.finishAndReleaseAll();
  }

  /** Problem 4: a body cut off mid-stream, in each way a connection can end. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"close", "exception", "truncated end"})
  void theInflaterIsReleasedWhenTheBodyEndsBeforeTheStream(String how) {
    TokenPool pool = TokenPool.builder("test").tokens(TOKEN_A, TOKEN_B)
        .config(FailoverConfig.builder().failureThreshold(1)
            .conditions(Condition.status(429).withBody("No quota")).maxBodyBytes(1024).build())
        .build();
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(429, "gzip"));
    byte[] gz = Compressed.gzip("No quota available. ".repeat(40));
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(gz, 0, gz.length / 2)));
    BodyCapture capture = ch.pipeline().get(FailoverClientHandler.class).capturing();
    assertThat(capture.holdsInflater()).isTrue();
    assertThat(judged).isEmpty();

    switch (how) {
      case "close" -> ch.close();
      case "exception" -> ch.pipeline().fireExceptionCaught(new IOException("reset"));
      default -> ch.writeInbound(new DefaultLastHttpContent());
    }
    assertThat(capture.holdsInflater()).isFalse();
    assertThat(judged).singleElement().satisfies(j -> assertThat(j.verdict().outcome())
        .as("judged on what decoded").isEqualTo(Outcome.FAILURE));
    ch.finishAndReleaseAll();
  }

  @Test
  void garbageNeverFailsTheRequestPathAndReachesTheCallerAsSent() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 60; round++) {
      byte[] body = Compressed.gzip("No quota available " + round);
      for (int i = 0; i < 1 + round % 3; i++) {
        body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
      }
      String encoding = round % 2 == 0 ? "gzip" : "deflate";
      judged.clear();
      EmbeddedChannel ch = answer(pool(100, Condition.status(429).withBody("No quota")), body,
          1 + round % 9, encoding);
      assertThat(judged).hasSize(1);
      assertThat(passedOn(ch)).isEqualTo(body);
      ch.checkException();
      ch.finishAndReleaseAll(); // rethrows anything the pipeline caught
    }
  }

  @Test
  void aRequestWithoutResponseIsATransportErrorThatDoesNotCount() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.pipeline().fireExceptionCaught(new IOException("connection reset"));
    assertThat(judged).singleElement().satisfies(j -> {
      assertThat(j.verdict().outcome()).isEqualTo(Outcome.TRANSPORT_ERROR);
      assertThat(j.status()).isZero();
    });
    ch.writeOutbound(request());
    ch.close();
    assertThat(judged).hasSize(2);
    assertThat(pool.snapshot()).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo(TokenState.HEALTHY);
      assertThat(s.failures()).isZero();
    });
  }

  @Test
  void refusesTheRequestWhenNoTokenIsHealthy() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    for (int i = 0; i < 2; i++) {
      ch.writeOutbound(request());
      ch.writeInbound(response(429));
    }
    ChannelFuture f = ch.writeOneOutbound(request());
    ch.flushOutbound();
    assertThat(f.cause()).isInstanceOf(NoHealthyTokenException.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void informationalResponsesAreNotJudged() {
    TokenPool pool = pool(1, Condition.status(429));
    EmbeddedChannel ch = channel(pool);
    ch.writeOutbound(request());
    ch.writeInbound(response(100));
    assertThat(judged).isEmpty();
    ch.writeInbound(response(200));
    assertThat(judged).singleElement()
        .satisfies(j -> assertThat(j.verdict().outcome()).isEqualTo(Outcome.SUCCESS));
    ch.finishAndReleaseAll();
  }
}
