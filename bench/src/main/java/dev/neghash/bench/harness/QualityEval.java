package dev.neghash.bench.harness;

import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.util.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores several methods' neighbour lists against exact cosine order in one pass over the data:
 * overlap@k and mean positional distance (the paper's two measures, as in {@link
 * dev.neghash.engine.mining.QualityReport}) and the share of mined negatives inside the exact
 * top-k.
 *
 * <p>The exact rank of a listed item is the number of admissible candidates that beat it (higher
 * cosine, or equal cosine and smaller index: the engine's order). Instead of sorting all N
 * similarities per anchor, each list is sorted by exact order once, and every candidate's
 * similarity is located among the list's similarities by binary search; a prefix sum then gives
 * every listed item's rank. Similarities are computed with the projection kernel in the same
 * fused-multiply-add order as the exact search, so the exact method's own list scores overlap 1
 * and distance 0 exactly, which {@link #evaluate} checks.
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
    int m = sample.length;
    int nm = methods.size();
    // Per method and anchor: listed items sorted by exact order, their sims, their list ranks.
    int[][][] tIds = new int[nm][m][];
    float[][][] tSim = new float[nm][m][];
    int[][][] tPos = new int[nm][m][];
    for (int j = 0; j < nm; j++) {
      Method me = methods.get(j);
      if (me.ids().length != m * k) {
        throw new IllegalArgumentException(me.name() + ": expected " + m + " x " + k + " ids");
      }
      for (int s = 0; s < m; s++) {
        int a = sample[s];
        int len = 0;
        while (len < k && me.ids()[s * k + len] >= 0) {
          len++;
        }
        float[] sims = new float[len];
        for (int r = 0; r < len; r++) {
          int c = me.ids()[s * k + r];
          if (c >= n || !admissible(me.rule(), labels, a, c)) {
            throw new IllegalStateException(
                me.name() + " lists item " + c + " for anchor " + a + ", which its rule (" + me.rule().id() + ") excludes");
          }
          sims[r] = dot(x, a, c, d);
        }
        Integer[] order = new Integer[len];
        for (int r = 0; r < len; r++) {
          order[r] = r;
        }
        final int so = s;
        Arrays.sort(order, (p, q) -> {
          int ip = me.ids()[so * k + p];
          int iq = me.ids()[so * k + q];
          if (beats(sims[p], ip, sims[q], iq)) {
            return -1;
          }
          return beats(sims[q], iq, sims[p], ip) ? 1 : 0;
        });
        tIds[j][s] = new int[len];
        tSim[j][s] = new float[len];
        tPos[j][s] = new int[len];
        for (int t = 0; t < len; t++) {
          tIds[j][s][t] = me.ids()[s * k + order[t]];
          tSim[j][s][t] = sims[order[t]];
          tPos[j][s][t] = order[t];
        }
      }
    }
    float[] xs = new float[m * d];
    for (int s = 0; s < m; s++) {
      System.arraycopy(x, sample[s] * d, xs, s * d, d);
    }
    int parts = Math.max(1, Math.min(Parallel.resolve(threads), (n + BLOCK - 1) / BLOCK));
    int per = (n + parts - 1) / parts;
    long[][] beaten = new long[parts][];
    long[][] admissibleCount = new long[parts][];
    Parallel.forRange(parts, parts, 1, (p0, p1) -> {
      for (int p = p0; p < p1; p++) {
        int[][][] diff = new int[nm][m][];
        for (int j = 0; j < nm; j++) {
          for (int s = 0; s < m; s++) {
            diff[j][s] = new int[tIds[j][s].length + 1];
          }
        }
        long[] count = new long[2 * m];
        float[] cT = new float[d * BLOCK];
        float[] sims = new float[m * BLOCK];
        int end = Math.min(n, (p + 1) * per);
        for (int c0 = p * per; c0 < end; c0 += BLOCK) {
          int bs = Math.min(BLOCK, end - c0);
          for (int c = 0; c < bs; c++) {
            for (int i = 0; i < d; i++) {
              cT[i * bs + c] = x[(c0 + c) * d + i];
            }
          }
          kernels.project(xs, m, d, cT, bs, sims);
          for (int s = 0; s < m; s++) {
            int a = sample[s];
            int la = labels[a];
            for (int c = 0; c < bs; c++) {
              int id = c0 + c;
              if (id == a) {
                continue;
              }
              boolean labOk = labels[id] != la;
              count[2 * s]++;
              if (labOk) {
                count[2 * s + 1]++;
              }
              float v = sims[s * bs + c];
              for (int j = 0; j < nm; j++) {
                if (!labOk && methods.get(j).rule() == Rule.LABELS) {
                  continue;
                }
                int[] ti = tIds[j][s];
                int len = ti.length;
                float[] ts = tSim[j][s];
                if (len == 0 || !beats(v, id, ts[len - 1], ti[len - 1])) {
                  continue;
                }
                int lo = 0;
                int hi = len - 1; // first t with (v, id) beating t; t = len - 1 qualifies
                while (lo < hi) {
                  int mid = (lo + hi) >>> 1;
                  if (beats(v, id, ts[mid], ti[mid])) {
                    hi = mid;
                  } else {
                    lo = mid + 1;
                  }
                }
                diff[j][s][lo]++;
              }
            }
          }
        }
        beaten[p] = flatten(diff);
        admissibleCount[p] = count;
      }
    });
    long[] total = new long[beaten[0].length];
    long[] counts = new long[2 * m];
    for (int p = 0; p < parts; p++) {
      for (int i = 0; i < total.length; i++) {
        total[i] += beaten[p][i];
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] += admissibleCount[p][i];
      }
    }
    List<Score> out = new ArrayList<>();
    int off = 0;
    for (int j = 0; j < nm; j++) {
      Method me = methods.get(j);
      double overlapSum = 0;
      double posSum = 0;
      long listed = 0;
      long negTaken = 0;
      long negHits = 0;
      for (int s = 0; s < m; s++) {
        int len = tIds[j][s].length;
        long adm = counts[2 * s + (me.rule() == Rule.LABELS ? 1 : 0)];
        long rank = 0;
        int hits = 0;
        for (int t = 0; t < len; t++) {
          rank += total[off + t];
          int listRank = tPos[j][s][t];
          if (rank < k) {
            hits++;
          }
          posSum += Math.abs(rank - listRank);
          if (listRank < negatives) {
            negTaken++;
            if (rank < k) {
              negHits++;
            }
          }
        }
        off += len + 1;
        listed += len;
        long expected = Math.min(k, adm);
        overlapSum += expected == 0 ? 1.0 : (double) hits / expected;
      }
      Score sc = new Score(
          me.name(), m == 0 ? 0 : overlapSum / m, listed == 0 ? 0 : posSum / listed,
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

  private static long[] flatten(int[][][] diff) {
    int len = 0;
    for (int[][] a : diff) {
      for (int[] b : a) {
        len += b.length;
      }
    }
    long[] out = new long[len];
    int o = 0;
    for (int[][] a : diff) {
      for (int[] b : a) {
        for (int v : b) {
          out[o++] = v;
        }
      }
    }
    return out;
  }

  static boolean admissible(Rule rule, int[] labels, int a, int c) {
    return c != a && (rule == Rule.SELF || labels[c] != labels[a]);
  }

  /** Whether (s, id) comes before (ts, tid) in exact order: larger cosine, then smaller index. */
  static boolean beats(float s, int id, float ts, int tid) {
    return s > ts || (s == ts && id < tid);
  }

  /** Dot product accumulated in index order with fma, as the engine's kernels do. */
  static float dot(float[] x, int a, int c, int d) {
    float s = 0f;
    int ao = a * d;
    int co = c * d;
    for (int i = 0; i < d; i++) {
      s = Math.fma(x[ao + i], x[co + i], s);
    }
    return s;
  }
}
