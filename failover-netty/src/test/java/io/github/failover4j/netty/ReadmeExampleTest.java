package io.github.failover4j.netty;

import io.github.failover4j.netty.testing.TestUpstream;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.core.Verdict;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/embedding.md's example for Netty gateway authors, verbatim, kept compiling and working. */
class ReadmeExampleTest {

  /** What a gateway's own relay handler does with the verdict; here it just remembers it. */
  static final class YourRelayHandler extends SimpleChannelInboundHandler<HttpObject> {
    final CompletableFuture<ResponseJudged> judged = new CompletableFuture<>();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      // relay msg to the client here
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ResponseJudged j) {
        judged.complete(j);
      }
    }
  }

  @Test
  void theReadmeExampleWorks() throws Exception {
    EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (TestUpstream up = new TestUpstream()) {
      URI upstreamUri = up.uri();
      YourRelayHandler relay = new YourRelayHandler();
      // --- README example starts
      TokenPool pool = TokenPool.builder("openai")
          .tokens("sk-readme-aaaaaaaaaaaaaaaa", "sk-readme-bbbbbbbbbbbbbbbb")
          .config(FailoverConfig.parse("""
              failover:
                failure:
                  failureThreshold: 3
                  conditions:
                    - status_code: [429]
                      body: "No quota available"
              """))
          .upstream(upstreamUri)                         // e.g. https://api.openai.com
          .transport(NettyTransport.using(workerGroup))  // probes and timers on your loops
          .build();

      Bootstrap bootstrap = new Bootstrap().group(workerGroup).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(
                  new HttpClientCodec(),
                  new FailoverClientHandler(pool), // sets the token, judges the response
                  relay);                          // gets a ResponseJudged user event
            }
          });
      // --- README example ends
      Channel ch = bootstrap.connect(upstreamUri.getHost(), upstreamUri.getPort()).sync()
          .channel();
      ch.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
          "/v1/models"));
      ResponseJudged j = relay.judged.get(10, TimeUnit.SECONDS);
      assertThat(j.verdict()).isSameAs(Verdict.SUCCESS);
      assertThat(up.take().token()).startsWith("sk-readme-");
      ch.close().sync();
      pool.close();
    } finally {
      workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void theReadmeShowsExactlyThisExample() throws java.io.IOException {
    java.util.List<String> readme = java.nio.file.Files.readAllLines(
        java.nio.file.Path.of("../docs/embedding.md"));
    int at = readme.indexOf(readme.stream()
        .filter(l -> l.contains("new FailoverClientHandler(pool), // sets the token"))
        .findFirst().orElseThrow());
    int start = at;
    while (!readme.get(start).equals("```java")) {
      start--;
    }
    int end = start + 1;
    while (!readme.get(end).equals("```")) {
      end++;
    }
    java.util.List<String> example = readme.subList(start + 1, end).stream()
        .map(String::strip).toList();
    java.util.List<String> source = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
            "src/test/java/io/github/failover4j/netty/ReadmeExampleTest.java")).stream()
        .map(String::strip).toList();
    org.assertj.core.api.Assertions.assertThat(example).hasSizeGreaterThan(15);
    org.assertj.core.api.Assertions.assertThat(java.util.Collections.indexOfSubList(source,
        example)).as("docs/embedding.md's Netty example appears verbatim in this test").isNotNegative();
  }
}
