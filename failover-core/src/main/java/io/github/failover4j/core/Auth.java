package io.github.failover4j.core;

import java.util.Locale;
import java.util.Objects;

/**
 * How a token travels in a request: the header and an optional scheme, e.g. {@code
 * Authorization: Bearer <token>} (OpenAI), {@code api-key: <token>} (Azure OpenAI) or {@code
 * x-api-key: <token>} (Anthropic).
 *
 * @param header the header name
 * @param scheme the scheme before the token, e.g. {@code Bearer}; empty for none
 */
public record Auth(String header, String scheme) {

  /** {@code Authorization: Bearer <token>}, the default. */
  public static final Auth BEARER = new Auth("Authorization", "Bearer");

  /** Checks the header name. */
  public Auth {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(scheme, "scheme");
    if (header.isBlank() || !header.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
      throw new IllegalArgumentException("header: '" + header + "' is not a header name");
    }
    if (!scheme.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("scheme: '" + scheme + "' is not a single word of "
          + "visible ASCII");
    }
  }

  /** The token alone in {@code header}, e.g. {@code Auth.header("x-api-key")}. */
  public static Auth header(String header) {
    return new Auth(header, "");
  }

  /** The header value that carries {@code token}. */
  public String value(String token) {
    return scheme.isEmpty() ? token : scheme + ' ' + token;
  }

  /** The header name in lower case, as HTTP/2 and most libraries compare it. */
  public String headerLowerCase() {
    return header.toLowerCase(Locale.ROOT);
  }
}
