package io.github.failover4j.core;

import io.github.failover4j.spi.ProbeRequest;
import io.github.failover4j.spi.ProbeTransport;
import io.github.failover4j.spi.ResponseView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A probe transport whose answers the test gives: each probe waits until answered. */
final class ScriptedProber implements ProbeTransport {
  final List<ProbeRequest> requests = new ArrayList<>();
  private final List<CompletableFuture<ResponseView>> pending = new ArrayList<>();

  @Override
  public synchronized CompletionStage<ResponseView> send(ProbeRequest request) {
    requests.add(request);
    CompletableFuture<ResponseView> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }

  synchronized int inFlight() {
    return (int) pending.stream().filter(f -> !f.isDone()).count();
  }

  /** Answers the oldest unanswered probe. */
  void answer(ResponseView response) {
    oldest().complete(response);
  }

  void fail(Throwable error) {
    oldest().completeExceptionally(error);
  }

  private synchronized CompletableFuture<ResponseView> oldest() {
    return pending.stream().filter(f -> !f.isDone()).findFirst()
        .orElseThrow(() -> new AssertionError("no probe in flight"));
  }
}
