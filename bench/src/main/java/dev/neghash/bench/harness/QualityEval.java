package dev.neghash.bench.harness;

import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.Progress;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.mining.QualityEvaluator;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Exclusions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores several methods' neighbour lists against exact cosine order with the engine's {@link
 * QualityEvaluator}: overlap@k and mean positional distance (the paper's two measures) and the
 * share of mined negatives inside the exact top-k. The exact method's own lists must score
 * overlap 1 and distance 0 exactly, which {@link #evaluate} checks.
 */
final class QualityEval {

  /** Candidates per block of the similarity pass. */
  static final int BLOCK = 1024;

  /** A method's lists for the sampled anchors: {@code ids[s*k + r]}, -1 padded. */
  record Method(String name, Rule rule, int[] ids) {}

  /**
   * Scores of one method.
   *
   * @param overlap mean over anchors of |list ∩ exact top-k| / min(k, admissible)
   * @param meanPositionalDistance mean over listed items of |exact rank - list rank|
   * @param negativeShare share of the first {@code negatives} listed items inside the exact top-k
   * @param listed listed items scored
   */
  record Score(String name, double overlap, double meanPositionalDistance, double negativeShare, long listed) {}

  private QualityEval() {}

  /**
   * Scores every method for the sampled anchors {@code sample} (item ids) over unit rows {@code
   * x}.
   *
   * @param negatives mined negatives per anchor (the first ones of each list, as {@code
   *     NegativeMiner}'s TOP strategy takes them)
   * @throws IllegalStateException if a list holds an item its rule excludes, or a method named
   *     {@code exact} does not score a perfect 1 / 0
   */
  static List<Score> evaluate(
      float[] x, int n, int d, int[] labels, int[] sample, int k, int negatives,
      List<Method> methods, int threads, KernelProvider kernels) {
    QualityEvaluator evaluator = new QualityEvaluator(FloatRows.of(x, d), n, d, false, threads, kernels);
    int m = sample.length;
    List<Score> out = new ArrayList<>();
    for (Method me : methods) {
      if (me.ids().length != m * k) {
        throw new IllegalArgumentException(me.name() + ": expected " + m + " x " + k + " ids");
      }
      int[][] lists = new int[m][];
      for (int s = 0; s < m; s++) {
        int len = 0;
        while (len < k && me.ids()[s * k + len] >= 0) {
          len++;
        }
        lists[s] = Arrays.copyOfRange(me.ids(), s * k, s * k + len);
      }
      Exclusions ex = me.rule() == Rule.LABELS ? Exclusions.labels(labels) : Exclusions.selfOnly();
      QualityEvaluator.Ranks ranks;
      try {
        ranks = evaluator.ranks(sample, lists, ex, Progress.NONE);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(me.name() + " lists an item its rule (" + me.rule().id() + ") excludes: "
            + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // rows in memory
      }
      QualityReport q = QualityReport.of(ranks, k);
      long listed = 0;
      long negTaken = 0;
      long negHits = 0;
      for (int[] er : ranks.exactRanks()) {
        listed += er.length;
        for (int t = 0; t < Math.min(negatives, er.length); t++) {
          negTaken++;
          if (er[t] < k) {
            negHits++;
          }
        }
      }
      Score sc = new Score(me.name(), q.overlap(), q.meanPositionalDistance(),
          negTaken == 0 ? 0 : (double) negHits / negTaken, listed);
      if (me.name().equals("neghash-exact") && (sc.overlap() != 1.0 || sc.meanPositionalDistance() != 0.0)) {
        throw new IllegalStateException(
            "the exact method's own lists score overlap " + sc.overlap() + " and positional distance "
                + sc.meanPositionalDistance() + " instead of 1 and 0: exact search and evaluation disagree");
      }
      out.add(sc);
    }
    return out;
  }
}
