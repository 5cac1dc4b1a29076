package io.github.failover4j.netty;

import io.github.failover4j.core.TokenHandle;
import io.github.failover4j.core.Verdict;
import java.util.Objects;

/**
 * The user event a {@link FailoverClientHandler} fires down the pipeline once it has judged a
 * response, right after passing on the message that completed the judgement (the response
 * head, or the body chunk that filled the capture). A gateway that retries on another token
 * listens for it; the verdict is already recorded when it arrives, unless the request was
 * sent with {@link FailoverClientHandler#useTokenJudgingOnly}.
 *
 * @param token the token the request was sent with
 * @param verdict the verdict recorded for it
 * @param status the response status, or 0 when the request got no response (the verdict is
 *     then {@link Verdict#TRANSPORT_ERROR})
 */
public record ResponseJudged(TokenHandle token, Verdict verdict, int status) {

  /** Checks the arguments. */
  public ResponseJudged {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(verdict, "verdict");
  }
}
