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

  private TreeLoader() {}

  /** The tree; null for a document with no content. */
  static Object load(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    return t.strip().startsWith("{") ? json(t) : yaml(t);
  }

  private static Object yaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      throw syntax(mark == null ? -1 : mark.getLine() + 1, mark == null ? -1 : mark.getColumn() + 1,
          "YAML", e.getProblem() + context);
    } catch (YAMLException e) {
      throw syntax(-1, -1, "YAML", e.getMessage());
    }
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
    return new ConfigException(List.of(where + ": " + format + " syntax error: "
        + maskQuoted(message)));
  }

  /** Masks quoted excerpts that parsers copy from the text, e.g. an unquoted token. */
  private static String maskQuoted(String message) {
    Matcher m = QUOTED.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement("'" + TokenSpec.of(m.group(1)).id() + "'"));
    }
    return m.appendTail(sb).toString();
  }
}
