package io.github.failover4j.redis;

/**
 * The Redis names of one pool's state: {@code {prefix:pool}:token:<fingerprint>} (a hash),
 * {@code …:lease:<fingerprint>}, {@code …:fence:<fingerprint>} and the channel {@code
 * …:events}. The braces are a Cluster hash tag: one pool's keys live in one slot, so a script
 * may touch several of them.
 */
record Keys(String tag) {

  static Keys of(String prefix, String pool) {
    return new Keys("{" + prefix + ":" + pool + "}");
  }

  String token(String fingerprint) {
    return tag + ":token:" + fingerprint;
  }

  String lease(String fingerprint) {
    return tag + ":lease:" + fingerprint;
  }

  String fence(String fingerprint) {
    return tag + ":fence:" + fingerprint;
  }

  String channel() {
    return tag + ":events";
  }
}
