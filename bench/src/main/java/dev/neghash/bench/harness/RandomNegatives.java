package dev.neghash.bench.harness;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.bench.data.SyntheticEmbeddings;
import java.util.SplittableRandom;

/**
 * The floor of the comparison: k distinct negatives per anchor drawn uniformly from the items of
 * other labels (no search at all). Each anchor draws from its own generator, seeded by the seed
 * and the anchor id, so results do not depend on threads.
 */
final class RandomNegatives {

  private RandomNegatives() {}

  /**
   * Writes anchor {@code a}'s k negatives to {@code out[off .. off + k)} (-1 padded when fewer than
   * k admissible items exist; {@code admissible} is their count).
   *
   * @param taken scratch of {@code labels.length} ints, shared by the anchors one thread draws
   *     for: {@code taken[c] == a + 1} marks c as drawn for anchor a, so no clearing is needed
   */
  static void draw(int a, int[] labels, int k, long seed, long admissible, int[] out, int off, int[] taken) {
    int n = labels.length;
    Exclusions rule = Exclusions.labels(labels);
    if (admissible <= k) {
      int m = 0;
      for (int c = 0; c < n; c++) {
        if (rule.admits(a, c)) {
          out[off + m++] = c;
        }
      }
      while (m < k) {
        out[off + m++] = -1;
      }
      return;
    }
    // SplittableRandom: cheap to create once per anchor (a factory lookup per anchor is not).
    SplittableRandom rng = new SplittableRandom(SyntheticEmbeddings.mix(seed, a));
    int m = 0;
    while (m < k) {
      int c = rng.nextInt(n);
      if (!rule.admits(a, c) || taken[c] == a + 1) {
        continue;
      }
      taken[c] = a + 1;
      out[off + m++] = c;
    }
  }

  /** Items per label value, for the admissible counts. */
  static java.util.Map<Integer, Integer> labelCounts(int[] labels) {
    java.util.Map<Integer, Integer> m = new java.util.HashMap<>();
    for (int l : labels) {
      m.merge(l, 1, Integer::sum);
    }
    return m;
  }
}
