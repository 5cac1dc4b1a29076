package io.github.failover4j.proxy;

import static io.github.failover4j.proxy.ServiceFixture.ADMIN_KEY;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_A;
import static io.github.failover4j.proxy.ServiceFixture.TOKEN_B;
import static io.github.failover4j.proxy.ServiceFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.failover4j.core.TokenSpec;
import io.github.failover4j.core.TokenState;
import io.github.failover4j.netty.testing.TestUpstream;
import io.github.failover4j.spi.TokenEvent;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.htmlunit.BrowserVersion;
import org.htmlunit.DefaultCredentialsProvider;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.util.WebConnectionWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live status page as an operator's browser shows it: HtmlUnit runs its JavaScript against
 * the real proxy on loopback and reads what is on screen.
 */
class StatusPageTest extends ServiceTestBase {
  WebClient browser;
  final List<String> fetched = new CopyOnWriteArrayList<>();
  final List<String> scriptErrors = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  HtmlPage open(String user, String password) throws Exception {
    browser = new WebClient(BrowserVersion.FIREFOX);
    browser.getOptions().setThrowExceptionOnScriptError(true);
    browser.getOptions().setThrowExceptionOnFailingStatusCode(true);
    browser.getOptions().setCssEnabled(true);
    browser.setJavaScriptErrorListener(new org.htmlunit.javascript.SilentJavaScriptErrorListener() {
      @Override
      public void scriptException(HtmlPage page, org.htmlunit.ScriptException e) {
        scriptErrors.add(String.valueOf(e));
      }
    });
    if (password != null) {
      DefaultCredentialsProvider credentials = new DefaultCredentialsProvider();
      credentials.addCredentials(user, password.toCharArray());
      browser.setCredentialsProvider(credentials);
    }
    new WebConnectionWrapper(browser) {
      @Override
      public WebResponse getResponse(WebRequest request) throws java.io.IOException {
        fetched.add(request.getHttpMethod() + " " + request.getUrl());
        WebResponse r = super.getResponse(request);
        f.seen.add(r.getStatusCode() + " " + r.getResponseHeaders() + "\n"
            + r.getContentAsString());
        return r;
      }
    };
    return browser.getPage(new URL(f.uri("/_failover/").toString()));
  }

  String text(HtmlPage page) {
    return page.asNormalizedText();
  }

  /**
   * The page's text once one reading of it shows every one of {@code parts} (the page redraws
   * itself every two seconds; a reading may fall between two redraws), within 10 s.
   */
  String showing(HtmlPage page, String... parts) {
    String[] last = {""};
    try {
      eventually("the page shows " + List.of(parts), () -> {
        last[0] = text(page);
        return List.of(parts).stream().allMatch(last[0]::contains);
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; it shows:\n" + last[0]
          + "\nscript errors: " + scriptErrors, e);
    }
    return last[0];
  }

  @Test
  void anOperatorSeesEveryTokenItsStateAndTheEventsAsTheyHappenButNoToken() throws Exception {
    f = new ServiceFixture(new TestUpstream().on(TOKEN_A, TestUpstream.quotaExhausted()), dir,
        """
        admin: {key: %s}
        providers:
          - name: openai
            upstream: %%UPSTREAM%%
            apiTokens: [%s, %s]
            failover:
              failure:
                conditions:
                  - {status_code: [429], action: eject}
              healthCheck: {periodSeconds: 30, model: probe-model, conditions: [{status_code: [200]}]}
        """.formatted(ADMIN_KEY, TOKEN_A, TOKEN_B));
    HtmlPage page = open("ops", ADMIN_KEY);
    showing(page, "failover4j", "openai", "2/2 healthy", "ready",
        TokenSpec.maskedId(TOKEN_A), TokenSpec.maskedId(TOKEN_B),
        TokenSpec.of(TOKEN_A).fingerprint(), "HEALTHY", "none yet");
    assertThat(page.getElementsByTagName("tr")).hasSizeGreaterThanOrEqualTo(3);

    // token A fails and is ejected; the page follows by itself within a refresh
    while (f.proxy.registry().pool("openai").snapshot().get(0).ejections() == 0) {
      f.chat("m");
    }
    f.await(TokenEvent.Kind.EJECTED);
    String after = showing(page, "EJECTED", "1/2 healthy", "1/2 tokens healthy",
        "Next probe in", "Out for", "openai " + TokenSpec.maskedId(TOKEN_A) + " ejected: ");
    assertThat(after).contains("status_code [429]");

    // the operator disables token B with its button
    HtmlElement row = page.getByXPath("//tr[@class='token'][.//code[text()='"
        + TokenSpec.maskedId(TOKEN_B) + "']]").stream().map(HtmlElement.class::cast)
        .findFirst().orElseThrow();
    HtmlButton disable = (HtmlButton) row.getElementsByTagName("button").get(0);
    assertThat(disable.asNormalizedText()).isEqualTo("disable");
    disable.click();
    eventually("B is disabled", () -> state(TOKEN_B) == TokenState.DISABLED);
    showing(page, "DISABLED", "not ready", "0/2 healthy", "disabled: by an operator");

    assertThat(scriptErrors).isEmpty();
    String html = page.asXml() + text(page);
    for (String secret : ServiceFixture.SECRETS) {
      assertThat(html).doesNotContain(secret);
    }
    // self-contained: no request but the page itself, its JSON and the admin actions
    assertThat(fetched).allSatisfy(u -> assertThat(u).matches(
        "(GET|POST) http://127\\.0\\.0\\.1:\\d+/_failover/(status|providers/.*)?"));
    assertThat(page.getElementsByTagName("link")).isEmpty();
    assertThat(page.getElementsByTagName("img")).isEmpty();
    assertThat(page.getByXPath("//script[@src]")).isEmpty();
    assertThat(page.getByXPath("//meta[@name='viewport']")).hasSize(1);
  }

  @Test
  void aWrongAdminPasswordGetsNoPage() throws Exception {
    f = new ServiceFixture(new TestUpstream(), dir, """
        admin: {key: %s}
        providers:
          - name: openai
            upstream: %%UPSTREAM%%
            apiTokens: [%s]
            failover: {failure: {conditions: [{status_code: [429], action: eject}]}}
        """.formatted(ADMIN_KEY, TOKEN_A));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> open("ops", "not-the-key"))
        .isInstanceOf(org.htmlunit.FailingHttpStatusCodeException.class)
        .hasMessageContaining("401");
  }

  TokenState state(String secret) {
    return token("openai", secret).state();
  }
}
