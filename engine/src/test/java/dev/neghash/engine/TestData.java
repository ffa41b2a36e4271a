package dev.neghash.engine;

import dev.neghash.engine.lsh.PackedCodes;
import java.util.Arrays;
import java.util.Random;

/** Seeded test inputs and brute-force references. */
public final class TestData {
  private TestData() {}

  /** Random codes; with {@code sparse} most bits are zero, so distances tie often. */
  public static PackedCodes codes(int n, int bits, long seed, boolean sparse) {
    Random r = new Random(seed);
    long[] w = new long[n * bits / 64];
    for (int i = 0; i < w.length; i++) {
      w[i] = sparse ? (r.nextLong() & r.nextLong() & r.nextLong() & r.nextLong()) : r.nextLong();
    }
    return new PackedCodes(w, n, bits);
  }

  /** Gaussian floats. */
  public static float[] gaussian(int n, int d, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** Labels in {@code [0, classes)}. */
  public static int[] labels(int n, int classes, long seed) {
    Random r = new Random(seed);
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = r.nextInt(classes);
    }
    return l;
  }

  /**
   * Brute-force Hamming top-k: sort every admissible candidate by (distance, index).
   *
   * @return ids then distances, each n*k, -1 padded
   */
  public static int[][] bruteHamming(
      PackedCodes a, PackedCodes c, boolean excludeSelf, int[] aLab, int[] cLab,
      java.util.Set<Long> positives, int k) {
    int n = a.n();
    int[] ids = new int[n * k];
    int[] dist = new int[n * k];
    Arrays.fill(ids, -1);
    Arrays.fill(dist, -1);
    int w = a.wordsPerCode();
    for (int i = 0; i < n; i++) {
      long[] keys = new long[c.n()];
      int m = 0;
      for (int j = 0; j < c.n(); j++) {
        if (excludeSelf && i == j) {
          continue;
        }
        if (aLab != null && aLab[i] == cLab[j]) {
          continue;
        }
        if (positives != null && positives.contains(((long) i << 32) | j)) {
          continue;
        }
        int d = 0;
        for (int q = 0; q < w; q++) {
          d += Long.bitCount(a.words()[i * w + q] ^ c.words()[j * w + q]);
        }
        keys[m++] = ((long) d << 32) | j;
      }
      Arrays.sort(keys, 0, m);
      for (int r = 0; r < Math.min(k, m); r++) {
        ids[i * k + r] = (int) keys[r];
        dist[i * k + r] = (int) (keys[r] >>> 32);
      }
    }
    return new int[][] {ids, dist};
  }
}
