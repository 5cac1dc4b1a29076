package io.github.failover4j.proxy;

import io.github.failover4j.core.Outages;
import io.github.failover4j.spi.TokenEvent;
import io.github.failover4j.spi.TokenListener;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One line per ejection, restore and disable: provider, masked token id and why (which
 * condition matched). Token events carry no token in clear, so neither does the line. Route
 * targets entering or leaving outage get a line of their own ({@link #line(Outages.Event)}).
 */
final class EventLog implements TokenListener {
  private final Consumer<String> sink;

  /** Writes lines to {@code sink}, e.g. {@code System.out::println}. */
  EventLog(Consumer<String> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public void onEvent(TokenEvent e) {
    if (e.kind() == TokenEvent.Kind.EJECTED || e.kind() == TokenEvent.Kind.RESTORED
        || e.kind() == TokenEvent.Kind.DISABLED) {
      sink.accept(line(e));
    }
  }

  /** E.g. {@code target=openai/gpt-4o outage entered: every key tried in one request failed}. */
  static String line(Outages.Event e) {
    return "target=" + e.target() + " outage " + (e.kind() == Outages.Kind.ENTERED ? "entered"
        : "ended") + ": " + e.reason();
  }

  /** E.g. {@code provider=openai token=sk-…f3a9 ejected: failover.failure.conditions[0]: …}. */
  static String line(TokenEvent e) {
    return "provider=" + e.pool() + " token=" + e.tokenId() + " "
        + e.kind().name().toLowerCase(Locale.ROOT) + (e.reason().isEmpty() ? ""
            : ": " + e.reason());
  }
}
