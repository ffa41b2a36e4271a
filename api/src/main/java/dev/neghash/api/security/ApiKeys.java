package dev.neghash.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The accepted API keys, kept only as SHA-256 digests. A presented key is compared with every
 * accepted one in full ({@link MessageDigest#isEqual} on equal-length digests, no early exit), so
 * the time taken tells nothing about which key or how much of it matched.
 */
final class ApiKeys {

  /** The request header that carries the key. */
  static final String HEADER = "X-API-Key";

  private final List<byte[]> digests;

  ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::sha256).toList();
  }

  /** Whether no key is configured (the service is then open). */
  boolean isEmpty() {
    return digests.isEmpty();
  }

  /** Whether {@code presented} is one of the accepted keys. */
  boolean accepts(String presented) {
    byte[] d = sha256(presented);
    boolean match = false;
    for (byte[] k : digests) {
      match |= MessageDigest.isEqual(k, d);
    }
    return match;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
