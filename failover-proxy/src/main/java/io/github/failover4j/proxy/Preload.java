package io.github.failover4j.proxy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads every class of the proxy's package at start, while file descriptors are plenty. The JVM
 * loads a class on its first use, and a class loaded from a directory needs a descriptor to be
 * read: if that first use comes while descriptors ran out, loading fails, and the JVM remembers
 * the failure ({@code NoClassDefFoundError} for good), so the proxy would never serve again,
 * even once descriptors are free (seen with {@code FrontendHandler} on the first connection
 * accepted at {@code EMFILE}).
 */
final class Preload {
  private static final String PACKAGE = "io/github/failover4j/proxy/";

  private Preload() {}

  /** Loads the package's classes (without initializing them); returns how many. */
  static int proxyClasses() {
    ClassLoader loader = Preload.class.getClassLoader();
    int loaded = 0;
    for (String name : classNames()) {
      try {
        Class.forName(name, false, loader);
        loaded++;
      } catch (ClassNotFoundException | LinkageError e) {
        // not loadable now: it will be tried on first use, as without the preload
      }
    }
    return loaded;
  }

  private static List<String> classNames() {
    List<String> names = new ArrayList<>();
    try {
      CodeSource source = Preload.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return names;
      }
      Path location = Path.of(source.getLocation().toURI());
      if (Files.isDirectory(location)) {
        Path dir = location.resolve(PACKAGE);
        try (Stream<Path> files = Files.walk(dir)) {
          files.map(p -> location.relativize(p).toString().replace('\\', '/'))
              .filter(Preload::isClass).forEach(p -> names.add(className(p)));
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String p = e.nextElement().getName();
            if (p.startsWith(PACKAGE) && isClass(p)) {
              names.add(className(p));
            }
          }
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // best effort: without the list, classes load on first use
    }
    return names;
  }

  private static boolean isClass(String path) {
    return path.endsWith(".class") && !path.endsWith("module-info.class");
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.');
  }
}
