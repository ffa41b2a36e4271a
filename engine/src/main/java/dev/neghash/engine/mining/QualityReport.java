package dev.neghash.engine.mining;

import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * How well LSH neighbours match exact cosine neighbours, on a seeded sample of anchors (the
 * paper's two measures, label-aware: both lists obey the same exclusions).
 *
 * @param sampled anchors evaluated
 * @param k list length compared
 * @param overlap mean over anchors of |LSH top-k ∩ exact top-k| / |exact top-k|
 * @param meanPositionalDistance mean over LSH neighbours of |LSH rank - exact rank|, where the
 *     exact rank is the neighbour's position in the anchor's full exact cosine order
 * @param perAnchorOverlap overlap of each sampled anchor, in sample order
 * @param anchors the sampled anchor ids, ascending
 */
public record QualityReport(
    int sampled, int k, double overlap, double meanPositionalDistance,
    double[] perAnchorOverlap, int[] anchors) {

  /**
   * Evaluates {@code lsh} (anchors and candidates are the same set of {@code n} items) against
   * exact cosine order of the unit-normalised {@code vectors}.
   *
   * @param sample anchors to sample (all when {@code >= n})
   */
  public static QualityReport evaluate(
      Neighbours lsh, float[] vectors, int n, int d, Exclusions ex, int sample, long seed,
      int threads, KernelProvider kernels) {
    int[] anchors = sampleAnchors(lsh.n(), sample, seed);
    return evaluateRows(lsh, anchors, anchors, vectors, n, d, ex, threads, kernels);
  }

  /**
   * Evaluates LSH lists computed for a subset of anchors: row {@code lshRows[i]} of {@code lsh}
   * holds the neighbours of item {@code anchors[i]}; exclusions are indexed by item.
   */
  public static QualityReport evaluateRows(
      Neighbours lsh, int[] lshRows, int[] anchors, float[] vectors, int n, int d, Exclusions ex,
      int threads, KernelProvider kernels) {
    if (lshRows.length != anchors.length) {
      throw new IllegalArgumentException("rows and anchors differ in length");
    }
    int m = anchors.length;
    int k = lsh.k();
    // Candidates transposed (d x n) so the projection kernel computes dot products in the same
    // fma order as the exact search.
    float[] cT = new float[d * n];
    for (int c = 0; c < n; c++) {
      for (int i = 0; i < d; i++) {
        cT[i * n + c] = vectors[c * d + i];
      }
    }
    double[] overlap = new double[m];
    double[] posSum = new double[m];
    int[] posCount = new int[m];
    int chunk = 8;
    Parallel.forRange(threads, m, chunk, (from, to) -> {
      int rows = to - from;
      float[] x = new float[rows * d];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(vectors, anchors[from + r] * d, x, r * d, d);
      }
      float[] sims = new float[rows * n];
      kernels.project(x, rows, d, cT, n, sims);
      int[] order = new int[n];
      int[] rankOf = new int[n];
      for (int r = 0; r < rows; r++) {
        int a = anchors[from + r];
        int cnt = 0;
        for (int c = 0; c < n; c++) {
          if (!excluded(ex, a, c)) {
            order[cnt++] = c;
          }
        }
        sortBySimilarity(order, cnt, sims, r * n);
        java.util.Arrays.fill(rankOf, -1);
        for (int i = 0; i < cnt; i++) {
          rankOf[order[i]] = i;
        }
        int exactK = Math.min(k, cnt);
        int hits = 0;
        double pos = 0;
        int pc = 0;
        for (int i = 0; i < k; i++) {
          int c = lsh.id(lshRows[from + r], i);
          if (c < 0) {
            break;
          }
          int er = rankOf[c];
          if (er >= 0 && er < exactK) {
            hits++;
          }
          if (er >= 0) {
            pos += Math.abs(er - i);
            pc++;
          }
        }
        overlap[from + r] = exactK == 0 ? 1.0 : (double) hits / exactK;
        posSum[from + r] = pos;
        posCount[from + r] = pc;
      }
    });
    double o = 0;
    double ps = 0;
    long pc = 0;
    for (int i = 0; i < m; i++) {
      o += overlap[i];
      ps += posSum[i];
      pc += posCount[i];
    }
    return new QualityReport(m, k, m == 0 ? 0 : o / m, pc == 0 ? 0 : ps / pc, overlap, anchors);
  }

  private static boolean excluded(Exclusions ex, int a, int c) {
    if (ex.excludeSelf() && a == c) {
      return true;
    }
    if (ex.anchorLabels() != null && ex.anchorLabels()[a] == ex.candidateLabels()[c]) {
      return true;
    }
    return JavaKernels.isListed(ex.positiveOffsets(), ex.positiveIds(), a, c);
  }

  /** Seeded sample of {@code min(sample, n)} distinct anchors, ascending. */
  public static int[] sampleAnchors(int n, int sample, long seed) {
    if (sample >= n) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < sample; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = java.util.Arrays.copyOf(perm, sample);
    java.util.Arrays.sort(out);
    return out;
  }

  /** Sorts ids by descending similarity, ties by ascending id (primitive merge-free sort). */
  private static void sortBySimilarity(int[] ids, int cnt, float[] sims, int off) {
    long[] keys = new long[cnt];
    for (int i = 0; i < cnt; i++) {
      int c = ids[i];
      // Order-preserving int image of the float, negated for descending order.
      int bits = Float.floatToIntBits(sims[off + c]);
      int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
      keys[i] = ((-(long) ordered) << 32) | c; // ordered != MIN_VALUE (that would be a NaN)
    }
    java.util.Arrays.sort(keys);
    for (int i = 0; i < cnt; i++) {
      ids[i] = (int) keys[i];
    }
  }
}
