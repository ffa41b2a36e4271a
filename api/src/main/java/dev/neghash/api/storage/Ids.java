package dev.neghash.api.storage;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Server-generated resource ids: a short prefix naming the kind and 16 random base-32 characters
 * (80 bits). Client-sent ids are only looked up in memory; they never become file names.
 */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final Pattern SHAPE = Pattern.compile("(ds|sn|job)_[a-z2-7]{16}");

  private Ids() {}

  /** A new random id with the given prefix ({@code ds}, {@code sn} or {@code job}). */
  public static String next(String prefix) {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    StringBuilder s = new StringBuilder(prefix).append('_');
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (b[i] & 0xFF);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (b[i] & 0xFF);
    }
    for (int i = 7; i >= 0; i--) {
      s.append(ALPHABET[(int) (hi >>> (5 * i)) & 31]);
    }
    for (int i = 7; i >= 0; i--) {
      s.append(ALPHABET[(int) (lo >>> (5 * i)) & 31]);
    }
    return s.toString();
  }

  /** Whether {@code id} has the shape of an id this service generates. */
  public static boolean wellFormed(String id) {
    return id != null && SHAPE.matcher(id).matches();
  }
}
