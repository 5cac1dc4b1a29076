package io.github.failover4j.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret references in configuration values, so that a file need not hold a secret:
 * {@code ${NAME}} is the environment variable {@code NAME}, {@code file:PATH} the content of a
 * file (surrounding white space, such as the final newline, removed; a relative path is taken
 * from the configuration file's folder). Any other value is the secret itself. A missing
 * variable, an unreadable or empty file is a problem at the value's path; no message shows the
 * resolved secret.
 */
public final class SecretRefs {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final Function<String, String> env;
  private final Path baseDir;

  /**
   * @param env the environment, e.g. {@code System::getenv}
   * @param baseDir the folder relative {@code file:} paths start from; null: the working folder
   */
  public SecretRefs(Function<String, String> env, Path baseDir) {
    this.env = Objects.requireNonNull(env, "env");
    this.baseDir = baseDir;
  }

  /** The process environment, paths from the working folder. */
  public static SecretRefs system() {
    return new SecretRefs(System::getenv, null);
  }

  /** Whether {@code value} is a reference rather than a secret written in clear. */
  public static boolean isReference(Object value) {
    return value instanceof String s && (ENV.matcher(s.strip()).matches()
        || s.strip().startsWith("file:"));
  }

  /**
   * The node with its value resolved: the same node when it is no reference, else a node at
   * the same path holding the referenced secret (added to {@code secrets}, so messages are
   * scrubbed of it). Null when the reference cannot be resolved (reported at the node's path).
   */
  public Node resolve(Node node, Collection<String> secrets) {
    if (!(node.value() instanceof String raw) || !isReference(raw)) {
      return node;
    }
    String ref = raw.strip();
    String secret;
    Matcher m = ENV.matcher(ref);
    if (m.matches()) {
      secret = env.apply(m.group(1));
      if (secret == null) {
        node.problem("environment variable " + m.group(1) + " is not set");
        return null;
      }
      if (secret.isBlank()) {
        node.problem("environment variable " + m.group(1) + " is empty");
        return null;
      }
    } else {
      secret = file(node, ref.substring("file:".length()).strip());
      if (secret == null) {
        return null;
      }
    }
    secret = secret.strip();
    secrets.add(secret);
    return node.withValue(secret);
  }

  private String file(Node node, String name) {
    Path path;
    try {
      path = baseDir == null ? Path.of(name) : baseDir.resolve(name);
    } catch (InvalidPathException e) {
      node.problem("file:" + name + " is not a valid path");
      return null;
    }
    try {
      String text = Files.readString(path, StandardCharsets.UTF_8);
      if (text.isBlank()) {
        node.problem("secret file " + path + " is empty");
        return null;
      }
      return text;
    } catch (NoSuchFileException e) {
      node.problem("secret file " + path + " does not exist");
    } catch (IOException | RuntimeException e) {
      // the exception's message names the file and the reason, never the content
      node.problem("secret file " + path + " cannot be read (" + e.getClass().getSimpleName()
          + ")");
    }
    return null;
  }
}
