package com.example.plain;

import io.github.failover4j.core.TokenPool;
import io.github.failover4j.http.jdk.FailoverHttpClient;

/** A class-path user of the JDK adapter: it only has to compile without a warning. */
public final class Client {
  private Client() {}

  /**
   * A failover-aware client over a pool.
   *
   * @param pool the tokens and their rules
   * @return the client
   */
  public static FailoverHttpClient over(TokenPool pool) {
    return FailoverHttpClient.builder().pool(pool).build();
  }
}
