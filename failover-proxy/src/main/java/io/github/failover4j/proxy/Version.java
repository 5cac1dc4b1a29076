package io.github.failover4j.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The proxy's version, from the build ({@code failover-proxy.properties}). */
final class Version {
  private Version() {}

  static String get() {
    try (InputStream in = Version.class.getResourceAsStream("failover-proxy.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }
}
