package dev.neghash.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Top-k lists of the anchors of one block against some of the candidates: row {@code a} is {@code
 * ids[a*k .. a*k+k)}, nearest first, ties by the smaller id, padded with {@code -1} (distance
 * {@code -1}).
 *
 * @param anchorIds the block's anchors, in row order
 * @param k list length
 * @param ids neighbour item ids
 * @param dist Hamming distances
 */
record TopK(long[] anchorIds, int k, long[] ids, int[] dist) implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /**
   * The k best of two lists over disjoint candidate sets for the same anchors, by (distance, id):
   * the lists a search over the union of the candidates gives.
   */
  static TopK merge(TopK x, TopK y) {
    if (!Arrays.equals(x.anchorIds, y.anchorIds) || x.k != y.k) {
      throw new IllegalStateException("merging lists of different anchors");
    }
    int k = x.k;
    int n = x.anchorIds.length;
    long[] ids = new long[n * k];
    int[] dist = new int[n * k];
    Arrays.fill(ids, -1);
    Arrays.fill(dist, -1);
    for (int a = 0; a < n; a++) {
      int o = a * k;
      int i = 0;
      int j = 0;
      for (int r = 0; r < k; r++) {
        boolean hasX = i < k && x.ids[o + i] >= 0;
        boolean hasY = j < k && y.ids[o + j] >= 0;
        boolean takeX;
        if (hasX && hasY) {
          int dx = x.dist[o + i];
          int dy = y.dist[o + j];
          takeX = dx < dy || (dx == dy && x.ids[o + i] < y.ids[o + j]);
        } else if (hasX || hasY) {
          takeX = hasX;
        } else {
          break;
        }
        if (takeX) {
          ids[o + r] = x.ids[o + i];
          dist[o + r] = x.dist[o + i++];
        } else {
          ids[o + r] = y.ids[o + j];
          dist[o + r] = y.dist[o + j++];
        }
      }
    }
    return new TopK(x.anchorIds, k, ids, dist);
  }

  /** Real (non-padding) neighbours of row {@code a}. */
  int count(int a) {
    int c = 0;
    while (c < k && ids[a * k + c] >= 0) {
      c++;
    }
    return c;
  }
}
