package io.github.failover4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConditionTest {

  /** The seed's failure rules (SPEC §3). */
  private static final Condition[] SEED = {
    Condition.status(403).withHeader("failure=true"),
    Condition.status(502, 503),
    Condition.body("No quota available"),
  };

  private static TokenPool pool(int maxBodyBytes, Condition... conditions) {
    return TokenPool.builder("p").tokens("sk-test-0000000000000001")
        .config(FailoverConfig.builder().conditions(conditions).maxBodyBytes(maxBodyBytes).build())
        .build();
  }

  private static Outcome judge(TokenPool pool, TestResponse r) {
    return pool.classify(r).outcome();
  }

  @Test
  void statusClauseMatchesListedStatusesOnly() {
    TokenPool p = pool(64, SEED);
    assertThat(judge(p, TestResponse.status(502))).isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(503))).isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(500))).isEqualTo(Outcome.SUCCESS);
    assertThat(judge(p, TestResponse.status(200))).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void statusAndHeaderMustBothHold() {
    TokenPool p = pool(64, SEED);
    assertThat(judge(p, TestResponse.status(403).header("failure", "true")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(403))).isEqualTo(Outcome.SUCCESS);
    assertThat(judge(p, TestResponse.status(403).header("failure", "false")))
        .isEqualTo(Outcome.SUCCESS);
    assertThat(judge(p, TestResponse.status(200).header("failure", "true")))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void headerNameIsCaseInsensitiveAndValueExact() {
    TokenPool p = pool(64, Condition.status(403).withHeader("X-Failure=True"));
    assertThat(judge(p, TestResponse.status(403).header("x-failure", "True")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(403).header("X-FAILURE", "True")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(403).header("x-failure", "true")))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void headerNameAloneMeansPresent() {
    TokenPool p = pool(64, Condition.status(429).withHeader("retry-after"));
    assertThat(judge(p, TestResponse.status(429).header("Retry-After", "3")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(429))).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void repeatedHeaderMatchesOnAnyValue() {
    TokenPool p = pool(64, new Condition(java.util.Set.of(), java.util.List.of("x-err=quota"),
        null));
    assertThat(judge(p, TestResponse.status(200).header("x-err", "other").header("x-err", "quota")))
        .isEqualTo(Outcome.FAILURE);
  }

  @Test
  void everyListedHeaderMustHold() {
    TokenPool p = pool(64, Condition.status(403).withHeader("a=1").withHeader("b"));
    assertThat(judge(p, TestResponse.status(403).header("a", "1").header("b", "x")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(403).header("a", "1"))).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void bodyRegexIsSearchedNotAnchored() {
    TokenPool p = pool(1024, Condition.body("quota.*exhausted"));
    assertThat(judge(p, TestResponse.status(429).body("{\"error\":\"your quota is exhausted\"}")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(429).body("{\"error\":\"rate limited\"}")))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void literalBodyPatternFoundAnywhere() {
    TokenPool p = pool(1024, SEED);
    assertThat(judge(p, TestResponse.status(429).body("x".repeat(300) + "No quota available")))
        .isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, TestResponse.status(429).body("No quota availabl")))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void bodyIsSearchedOnlyInTheCappedPrefix() {
    TokenPool p = pool(16, Condition.body("quota"));
    TestResponse early = TestResponse.status(429).body("no quota" + "x".repeat(100));
    TestResponse late = TestResponse.status(429).body("x".repeat(100) + "no quota");
    assertThat(judge(p, early)).isEqualTo(Outcome.FAILURE);
    assertThat(judge(p, late)).isEqualTo(Outcome.SUCCESS);
    assertThat(late.lastBodyCap).isEqualTo(16);
  }

  @Test
  void bodyIsMatchedAsUtf8() {
    TokenPool p = pool(1024, Condition.body("我是.*"));
    assertThat(judge(p, TestResponse.status(200).body("{\"content\":\"我是一个模型\"}")))
        .isEqualTo(Outcome.FAILURE);
  }

  @Test
  void bodyIsNotReadWhenStatusOrHeadersRuleEveryBodyConditionOut() {
    TokenPool p = pool(1024, Condition.status(429).withBody("quota"),
        Condition.status(403).withHeader("failure=true"));
    TestResponse ok = TestResponse.status(200).body("quota");
    assertThat(p.needsBody(ok)).isFalse();
    assertThat(judge(p, ok)).isEqualTo(Outcome.SUCCESS);
    assertThat(ok.bodyReads).isZero();

    TestResponse forbidden = TestResponse.status(403).header("failure", "true").body("quota");
    assertThat(p.needsBody(forbidden)).isFalse();
    assertThat(judge(p, forbidden)).isEqualTo(Outcome.FAILURE);
    assertThat(forbidden.bodyReads).isZero();
  }

  @Test
  void bodyIsReadOnceWhenAConditionsCheapClausesHold() {
    TokenPool p = pool(1024, Condition.status(429).withBody("quota"),
        Condition.status(429).withBody("limit"));
    TestResponse r = TestResponse.status(429).body("rate limit");
    assertThat(p.needsBody(r)).isTrue();
    assertThat(judge(p, r)).isEqualTo(Outcome.FAILURE);
    assertThat(r.bodyReads).isEqualTo(1);
  }

  @Test
  void poolWithoutBodyRulesNeverReadsABody() {
    TokenPool p = pool(1024, Condition.status(502, 503));
    for (int status : new int[] {200, 429, 502}) {
      TestResponse r = TestResponse.status(status).body("No quota available");
      assertThat(p.needsBody(r)).isFalse();
      p.classify(r);
      assertThat(r.bodyReads).isZero();
    }
  }

  @Test
  void firstMatchingConditionNamesTheReason() {
    TokenPool p = pool(1024, SEED);
    Verdict v = p.classify(TestResponse.status(503));
    assertThat(v.reason()).contains("conditions[1]").contains("503");
    Verdict body = p.classify(TestResponse.status(429).body("No quota available"));
    assertThat(body.reason()).contains("conditions[2]").contains("No quota available");
  }

  @Test
  void conditionWithoutClauseIsRejected() {
    assertThatThrownBy(() -> new Condition(java.util.Set.of(), java.util.List.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one clause");
    assertThatThrownBy(() -> FailoverConfig.builder().conditions().build())
        .hasMessageContaining("conditions: the list is empty");
  }

  @Test
  void literalSearchAgreesWithStringSearch() {
    java.util.Random random = new java.util.Random(42);
    for (String alphabet : new String[] {"ab ", "aN ", "eNq\"", "xyzé"}) {
      for (int round = 0; round < 3000; round++) {
        String needle = randomText(random, alphabet, 1 + random.nextInt(6));
        String hay = randomText(random, alphabet, random.nextInt(70));
        BodyMatcher m = new BodyMatcher(needle);
        byte[] bytes = hay.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(BodyMatcher.indexOf(bytes, n, BodyMatcher.rarestByte(n)))
            .as("'%s' in '%s'", needle, hay)
            .isEqualTo(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(n, java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertThat(m.find(bytes)).isEqualTo(hay.contains(needle));
      }
    }
  }

  @Test
  void rarestByteOfTheSeedPatternIsItsCapital() {
    assertThat(BodyMatcher.rarestByte("No quota available".getBytes(
        java.nio.charset.StandardCharsets.UTF_8))).isZero();
  }

  @Test
  void literalSearchAgreesWithRegexSearchOnShortBodies() {
    java.util.Random random = new java.util.Random(42);
    String alphabet = "ab ";
    for (int round = 0; round < 2000; round++) {
      String needle = randomText(random, alphabet, 1 + random.nextInt(4));
      String hay = randomText(random, alphabet, random.nextInt(40));
      BodyMatcher m = new BodyMatcher(needle);
      assertThat(m.find(hay.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .as("'%s' in '%s'", needle, hay).isEqualTo(hay.contains(needle));
    }
  }

  private static String randomText(java.util.Random r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
