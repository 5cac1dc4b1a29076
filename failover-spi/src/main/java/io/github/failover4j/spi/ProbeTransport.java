package io.github.failover4j.spi;

import java.util.concurrent.CompletionStage;

/**
 * Sends health-check probes for the engine. The engine never has two probes in flight for
 * one token, and it enforces {@link ProbeRequest#timeout()} itself through the host
 * {@link Scheduler}; a transport should also bound the request by that timeout so it frees
 * its resources.
 */
@FunctionalInterface
public interface ProbeTransport {

  /**
   * Sends the request. The returned stage completes with the response, whose
   * {@link ResponseView#body(int)} must be readable after completion (the transport buffers
   * at most the bytes asked for), or completes exceptionally on a transport error. It must
   * not throw.
   */
  CompletionStage<ResponseView> send(ProbeRequest request);
}
