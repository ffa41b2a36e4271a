package dev.neghash.engine.mining;

import dev.neghash.engine.Progress;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.Neighbours;
import java.io.IOException;
import java.io.UncheckedIOException;
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
   * exact cosine order of the unit-normalised {@code vectors}, in memory; {@link QualityEvaluator}
   * does the same from any {@link FloatRows} source.
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
    try {
      return new QualityEvaluator(FloatRows.of(vectors, d), n, d, false, threads, kernels)
          .report(lsh, lshRows, anchors, ex, Progress.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading memory does not fail
    }
  }

  /** The two measures at list length {@code k}, from exact ranks. */
  public static QualityReport of(QualityEvaluator.Ranks ranks, int k) {
    int m = ranks.anchors().length;
    double[] overlap = new double[m];
    double posSum = 0;
    long posCount = 0;
    double overlapSum = 0;
    for (int r = 0; r < m; r++) {
      int[] er = ranks.exactRanks()[r];
      int exactK = Math.min(k, ranks.admissible()[r]);
      int hits = 0;
      for (int i = 0; i < er.length; i++) {
        if (er[i] < exactK) {
          hits++;
        }
        posSum += Math.abs(er[i] - i);
        posCount++;
      }
      overlap[r] = exactK == 0 ? 1.0 : (double) hits / exactK;
      overlapSum += overlap[r];
    }
    return new QualityReport(m, k, m == 0 ? 0 : overlapSum / m, posCount == 0 ? 0 : posSum / posCount, overlap,
        ranks.anchors());
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
}
