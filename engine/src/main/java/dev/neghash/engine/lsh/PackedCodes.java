package dev.neghash.engine.lsh;

import java.util.Objects;

/**
 * Binary codes of {@code n} items, {@code bits} bits each, packed into 64-bit words.
 *
 * <h2>Bit layout (the one place it is defined)</h2>
 *
 * <p>Item {@code i} occupies words {@code [i * W, (i + 1) * W)} of {@link #words()}, where {@code
 * W = bits / 64}. Bit {@code j} of the code (the sign of hyperplane {@code j}) is bit {@code j % 64}
 * (least significant first) of word {@code i * W + j / 64}. {@code bits} is a multiple of 64, so
 * there are no unused tail bits.
 *
 * <p>As bytes ({@link #toBytes()}), each word is written little-endian, so byte {@code m} of an
 * item holds bits {@code 8m .. 8m + 7}, least significant first: the same bytes as NumPy's {@code
 * np.packbits(bits, axis=1, bitorder='little')}. Hamming distance is layout-independent as long as
 * both sides use the same layout, so FAISS binary indexes read these bytes as they are.
 *
 * @param words packed codes, {@code n * bits / 64} longs
 * @param n number of items
 * @param bits bits per item, a multiple of 64
 */
public record PackedCodes(long[] words, int n, int bits) {

  /** Smallest supported code length. */
  public static final int MIN_BITS = 64;

  /** Largest supported code length. */
  public static final int MAX_BITS = 4096;

  /** Validates the shape. */
  public PackedCodes {
    Objects.requireNonNull(words, "words");
    checkBits(bits);
    if (n < 0 || (long) n * (bits / 64) != words.length) {
      throw new IllegalArgumentException(
          "expected " + ((long) n * (bits / 64)) + " words for n=" + n + ", got " + words.length);
    }
  }

  /** Throws unless {@code bits} is a multiple of 64 in [{@value #MIN_BITS}, {@value #MAX_BITS}]. */
  public static void checkBits(int bits) {
    if (bits < MIN_BITS || bits > MAX_BITS || bits % 64 != 0) {
      throw new dev.neghash.engine.InvalidInputException(
          "bits must be a multiple of 64 between " + MIN_BITS + " and " + MAX_BITS + ", got " + bits);
    }
  }

  /** Words per item. */
  public int wordsPerCode() {
    return bits / 64;
  }

  /** Bytes per item ({@code bits / 8}). */
  public int bytesPerCode() {
    return bits / 8;
  }

  /** Returns bit {@code j} of item {@code i}. */
  public boolean bit(int i, int j) {
    return (words[i * wordsPerCode() + (j >>> 6)] >>> (j & 63) & 1L) != 0;
  }

  /** Hamming distance between items {@code i} and {@code j}. */
  public int distance(int i, int j) {
    int w = wordsPerCode();
    int d = 0;
    for (int t = 0; t < w; t++) {
      d += Long.bitCount(words[i * w + t] ^ words[j * w + t]);
    }
    return d;
  }

  /** The codes as {@code n * bits / 8} bytes in the layout described above. */
  public byte[] toBytes() {
    byte[] out = new byte[words.length * 8];
    for (int i = 0; i < words.length; i++) {
      long v = words[i];
      for (int b = 0; b < 8; b++) {
        out[i * 8 + b] = (byte) (v >>> (8 * b));
      }
    }
    return out;
  }

  /** Inverse of {@link #toBytes()}. */
  public static PackedCodes fromBytes(byte[] bytes, int n, int bits) {
    checkBits(bits);
    if ((long) n * bits / 8 != bytes.length) {
      throw new IllegalArgumentException("expected " + ((long) n * bits / 8) + " bytes, got " + bytes.length);
    }
    long[] words = new long[bytes.length / 8];
    for (int i = 0; i < words.length; i++) {
      long v = 0;
      for (int b = 7; b >= 0; b--) {
        v = (v << 8) | (bytes[i * 8 + b] & 0xFFL);
      }
      words[i] = v;
    }
    return new PackedCodes(words, n, bits);
  }

  /** A copy holding items {@code [from, to)}. */
  public PackedCodes slice(int from, int to) {
    Objects.checkFromToIndex(from, to, n);
    int w = wordsPerCode();
    return new PackedCodes(
        java.util.Arrays.copyOfRange(words, from * w, to * w), to - from, bits);
  }

  /** A copy holding the listed items, in list order; this itself when {@code items} is null. */
  public PackedCodes gather(int[] items) {
    if (items == null) {
      return this;
    }
    int w = wordsPerCode();
    long[] out = new long[items.length * w];
    for (int r = 0; r < items.length; r++) {
      Objects.checkIndex(items[r], n);
      System.arraycopy(words, items[r] * w, out, r * w, w);
    }
    return new PackedCodes(out, items.length, bits);
  }
}
