package io.github.failover4j.redis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Redis URI's password is a secret: masked wherever the URI or an error is printed. */
final class Uris {
  /** {@code scheme://[user[:password]@]rest}; Lettuce also takes {@code scheme://password@rest}. */
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^@/]*)@");

  private Uris() {}

  /** The URI with its password replaced by {@code ****}; the user name stays. */
  static String mask(String uri) {
    Matcher m = USER_INFO.matcher(uri);
    if (!m.find()) {
      return uri;
    }
    String user = user(m.group(2));
    return m.group(1) + (user == null ? "" : user + ":") + "****@" + uri.substring(m.end());
  }

  /** The password in {@code uri}, or {@code null} when it has none. */
  static String password(String uri) {
    Matcher m = USER_INFO.matcher(uri);
    if (!m.find()) {
      return null;
    }
    String info = m.group(2);
    String user = user(info);
    String password = user == null ? info : info.substring(user.length() + 1);
    return password.isEmpty() ? null : password;
  }

  /** The user of {@code user:password}; {@code null} for a bare password. */
  private static String user(String info) {
    int colon = info.indexOf(':');
    return colon < 0 ? null : info.substring(0, colon);
  }

  /** {@code text} with every occurrence of the URI's password and the URI itself masked. */
  static String scrub(String text, String uri) {
    if (text == null) {
      return "";
    }
    String out = text.replace(uri, mask(uri));
    String password = password(uri);
    return password == null ? out : out.replace(password, "****");
  }
}
