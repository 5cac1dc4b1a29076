package io.github.failover4j.core.internal;

import io.github.failover4j.core.FailoverConfig;
import java.util.function.BiFunction;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses and validates configuration text. Not part of the API: call {@link
 * FailoverConfig#parse(String)}. Exported only to the proxy, whose gateway file reuses the
 * readers.
 *
 * <p>The text (YAML or JSON) becomes a generic tree, which is walked by hand with its path, so
 * that every problem is collected, each as {@code path: value problem}, and reported in one
 * {@link io.github.failover4j.core.ConfigException}.
 */
public final class ConfigParser {
  private ConfigParser() {}

  /**
   * See {@link FailoverConfig#parse(String)}.
   *
   * @param text the configuration, YAML or JSON
   * @return the configuration
   * @throws io.github.failover4j.core.ConfigException listing every problem
   */
  public static FailoverConfig parseFailover(String text) {
    Problems problems = new Problems();
    Node root = root(problems, text);
    Fields f = root.fields();
    f.rejectUnknown(FailoverReader.SCOPE_KEYS);
    FailoverConfig config = FailoverReader.read(f);
    problems.throwIfAny();
    return checked(config);
  }

  /**
   * Parses a document whose root {@code reader} reads, e.g. the proxy's gateway file.
   *
   * @param text the configuration, YAML or JSON
   * @param reader reads the root; receives a set to put every secret it sees in, so that no
   *     problem line shows one in clear; returns null only after reporting a problem
   * @return the configuration
   * @throws io.github.failover4j.core.ConfigException listing every problem; never a secret in
   *     clear
   */
  public static <T> T parse(String text, BiFunction<Node, Set<String>, T> reader) {
    Problems problems = new Problems();
    Node root = root(problems, text);
    Set<String> secrets = new HashSet<>();
    T config = reader.apply(root, secrets);
    problems.throwIfAny(secrets);
    return checked(config);
  }

  /** A reader returns null only after reporting a problem; anything else is a bug here. */
  private static <T> T checked(T config) {
    if (config == null) {
      throw new IllegalStateException("configuration rejected without a reported problem");
    }
    return config;
  }

  private static Node root(Problems problems, String text) {
    Object tree = TreeLoader.load(text);
    Node root = Node.root(problems, tree);
    if (tree == null) {
      root.problem("the configuration is empty");
      problems.throwIfAny();
    }
    return root;
  }
}
