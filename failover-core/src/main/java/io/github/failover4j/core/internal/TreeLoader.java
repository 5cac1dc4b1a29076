package io.github.failover4j.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.TokenSpec;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import java.io.StringReader;

/**
 * Turns YAML or JSON text into a generic tree of maps, lists and scalars. YAML is loaded safely
 * (no arbitrary types); text whose first non-blank character is <code>{</code> is read as JSON.
 * Syntax errors become a {@link ConfigException} naming the line and column, without the
 * source excerpt (which could hold a token).
 */
final class TreeLoader {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * A quoted excerpt long enough to be a token, in a parser's message; not YAML's pseudo-tokens
   * such as {@code '<stream end>'}.
   */
  private static final Pattern QUOTED = Pattern.compile("'([^'\\s<][^'\\s]{15,})'");

  /** The most aliases to collections a YAML document may use (SnakeYAML's default, 50). */
  static final int MAX_ALIASES = 50;

  private static final String SYNTAX = " syntax error: ";

  private TreeLoader() {}

  /** Whether a problem line is a syntax error of the text (it names a line, not a path). */
  static boolean isSyntaxProblem(String line) {
    int at = line.indexOf(SYNTAX);
    return at > 0 && (line.startsWith("line ") || line.startsWith("(root): "));
  }

  /** The tree; null for a document with no content. */
  static Object load(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    return t.strip().startsWith("{") ? json(t) : yaml(t);
  }

  private static Object yaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      throw syntax(mark == null ? -1 : mark.getLine() + 1, mark == null ? -1 : mark.getColumn() + 1,
          "YAML", e.getProblem() + context);
    } catch (YAMLException e) {
      Mark alias = e.getMessage() != null && e.getMessage().contains("aliases")
          ? aliasOverLimit(text) : null;
      if (alias != null) {
        throw syntax(alias.getLine() + 1, alias.getColumn() + 1, "YAML", "more than "
            + MAX_ALIASES + " aliases to collections (the limit against alias bombs)");
      }
      throw syntax(-1, -1, "YAML", e.getMessage());
    }
  }

  /** Where the alias over {@link #MAX_ALIASES} stands; null when not found. */
  private static Mark aliasOverLimit(String text) {
    int aliases = 0;
    try {
      for (Event e : new Yaml().parse(new StringReader(text))) {
        if (e instanceof AliasEvent && ++aliases > MAX_ALIASES) {
          return e.getStartMark();
        }
      }
    } catch (YAMLException ignored) {
      // a later syntax error: the alias count above is what we know
    }
    return null;
  }

  private static Object json(String text) {
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String message = Objects.toString(e.getOriginalMessage(), "unreadable").lines()
          .findFirst().orElse("unreadable");
      throw syntax(at == null ? -1 : at.getLineNr(), at == null ? -1 : at.getColumnNr(), "JSON",
          message);
    }
  }

  private static ConfigException syntax(int line, int column, String format, String message) {
    String where = line > 0 ? "line " + line + ", column " + column : "(root)";
    return new ConfigException(List.of(where + ": " + format + SYNTAX
        + maskQuoted(message)));
  }

  /** Masks quoted excerpts that parsers copy from the text, e.g. an unquoted token. */
  private static String maskQuoted(String message) {
    Matcher m = QUOTED.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement("'" + TokenSpec.maskedId(m.group(1)) + "'"));
    }
    return m.appendTail(sb).toString();
  }
}
