package io.github.failover4j.core;

import java.util.ArrayList;
import java.util.List;

/** Cuts code out of sources and Markdown, de-indented, to compare README examples with tests. */
final class Snippets {
  private Snippets() {}

  static String between(String source, String begin, String end) {
    int from = source.indexOf(begin);
    int to = source.indexOf(end, from);
    if (from < 0 || to < 0) {
      throw new AssertionError("markers " + begin + " / " + end + " not found");
    }
    String body = source.substring(source.indexOf('\n', from) + 1, source.lastIndexOf('\n', to));
    return dedent(body);
  }

  /** The fenced block of {@code language} that contains {@code needle}, de-indented. */
  static String blockContaining(String markdown, String language, String needle) {
    int at = markdown.indexOf(needle);
    if (at < 0) {
      throw new AssertionError("no code block contains " + needle);
    }
    String fence = "```" + language + "\n";
    int open = markdown.lastIndexOf(fence, at);
    int close = markdown.indexOf("```", at);
    return dedent(markdown.substring(open + fence.length(), close));
  }

  private static String dedent(String text) {
    List<String> lines = new ArrayList<>(text.stripTrailing().lines().toList());
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent));
    }
    return String.join("\n", out);
  }
}
