package io.github.failover4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.failover4j.core.Condition;
import io.github.failover4j.core.FailoverConfig;
import io.github.failover4j.core.RetryPolicy;
import io.github.failover4j.netty.testing.TestUpstream;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, pointed at the proxy, while one token fails underneath. */
class OpenAiSdkTest {
  static final String QUOTA = "sk-quota-000000000000000000001";
  static final String OK = "sk-ok-0000000000000000000000002";

  ProxyHarness h;
  OpenAIClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    h.close();
  }

  void start() throws Exception {
    TestUpstream up = new TestUpstream().on(QUOTA, TestUpstream.quotaExhausted());
    // threshold high enough that the failing token stays in and keeps failing underneath
    h = new ProxyHarness(up, "/", FailoverConfig.builder().failureThreshold(1000)
        .conditions(Condition.status(429).withBody("No quota available"))
        .retry(RetryPolicy.of(2)).build(), QUOTA, OK);
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + h.proxy.address().getPort() + "/v1")
        .apiKey("client-key")
        .maxRetries(0) // the proxy retries, not the SDK
        .build();
  }

  static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model("test-model").addUserMessage("hi").build();
  }

  @Test
  void chatCompletionsSucceedWhileATokenRunsOutOfQuota() throws Exception {
    start();
    for (int i = 0; i < 4; i++) {
      ChatCompletion c = client.chat().completions().create(params());
      assertThat(c.choices().get(0).message().content()).hasValue("hello from upstream");
    }
    List<TestUpstream.Received> got = h.upstream.drain();
    assertThat(got).extracting(TestUpstream.Received::token).contains(QUOTA, OK);
    assertThat(got).allSatisfy(r -> {
      assertThat(r.path()).isEqualTo("/v1/chat/completions");
      assertThat(r.token()).isNotEqualTo("client-key");
    });
  }

  @Test
  void streamedChatCompletionsSucceedWhileATokenRunsOutOfQuota() throws Exception {
    start();
    for (int i = 0; i < 4; i++) {
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(params())) {
        String text = stream.stream()
            .flatMap(chunk -> chunk.choices().stream())
            .map(choice -> choice.delta().content().orElse(""))
            .collect(Collectors.joining());
        assertThat(text).isEqualTo("Hello");
      }
    }
    assertThat(h.upstream.drain()).extracting(TestUpstream.Received::token).contains(QUOTA, OK);
  }
}
