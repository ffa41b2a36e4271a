package dev.neghash.engine.search;

import java.util.Arrays;

/**
 * Top-k neighbour lists of {@code n} anchors, nearest first, ties by smaller index; row {@code a}
 * is {@code ids[a*k .. a*k+k)}, padded with {@code -1} where fewer than k admissible candidates
 * exist.
 *
 * @param n anchors
 * @param k neighbours per anchor
 * @param ids candidate indices
 * @param hamming Hamming distances ({@code -1} on padding), or null for exact search
 * @param similarity cosine similarities ({@code NaN} on padding), or null for Hamming search
 * @param bits code length of the Hamming search, 0 for exact search
 */
public record Neighbours(int n, int k, int[] ids, int[] hamming, float[] similarity, int bits) {

  /** Checks shapes. */
  public Neighbours {
    if (ids.length != (long) n * k
        || (hamming != null && hamming.length != ids.length)
        || (similarity != null && similarity.length != ids.length)) {
      throw new IllegalArgumentException("arrays do not match n x k");
    }
  }

  /** Neighbour {@code r} (0-based rank) of anchor {@code a}, or -1. */
  public int id(int a, int r) {
    return ids[a * k + r];
  }

  /** Number of real (non-padding) neighbours of anchor {@code a}. */
  public int count(int a) {
    int c = 0;
    while (c < k && ids[a * k + c] >= 0) {
      c++;
    }
    return c;
  }

  /** The lists of the given anchor rows, in that order, as lists of their own. */
  public Neighbours rows(int[] anchorRows) {
    int[] i2 = new int[anchorRows.length * k];
    int[] h2 = hamming == null ? null : new int[i2.length];
    float[] s2 = similarity == null ? null : new float[i2.length];
    for (int r = 0; r < anchorRows.length; r++) {
      System.arraycopy(ids, anchorRows[r] * k, i2, r * k, k);
      if (h2 != null) {
        System.arraycopy(hamming, anchorRows[r] * k, h2, r * k, k);
      }
      if (s2 != null) {
        System.arraycopy(similarity, anchorRows[r] * k, s2, r * k, k);
      }
    }
    return new Neighbours(anchorRows.length, k, i2, h2, s2, bits);
  }

  /** Row {@code a}'s ids, padding included. */
  public int[] row(int a) {
    return Arrays.copyOfRange(ids, a * k, a * k + k);
  }

  /**
   * Estimated cosine similarity of neighbour {@code r} of anchor {@code a}: {@code cos(pi * h /
   * b)} for Hamming results (exact for uncentred codes in expectation), the similarity itself for
   * exact results, NaN on padding.
   */
  public float estimatedCosine(int a, int r) {
    int i = a * k + r;
    if (ids[i] < 0) {
      return Float.NaN;
    }
    if (similarity != null) {
      return similarity[i];
    }
    return (float) Math.cos(Math.PI * hamming[i] / bits);
  }
}
