package dev.neghash.engine.mining;

import dev.neghash.engine.Progress;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import java.io.IOException;
import java.util.Arrays;

/**
 * Scores neighbour lists against the exact cosine order of the float rows, streaming the rows
 * once: memory is O(anchors x (d + list length)), not O(N d), so a snapshot on disk can be scored
 * as well as one in memory.
 *
 * <p>The exact rank of a listed item is the number of admissible candidates that come before it
 * in the exact order (higher cosine, ties by smaller index: the order exact search returns). Each
 * anchor's list is sorted by that order first; every streamed candidate then lands in one gap
 * between the listed items (binary search), and prefix sums of the gap counts give every listed
 * item's rank. Similarities come from the projection kernel, whose per-element fused
 * multiply-add order does not depend on the block shape and equals the exact search's, so the
 * exact search's own lists score overlap 1 and positional distance 0 exactly.
 */
public final class QualityEvaluator {

  /**
   * Exact ranks of listed items.
   *
   * @param anchors the anchors' item ids
   * @param exactRanks per anchor, the exact rank of each listed item, in list order
   * @param admissible per anchor, the number of admissible candidates
   */
  public record Ranks(int[] anchors, int[][] exactRanks, int[] admissible) {}

  private static final int CHUNK = 1024;
  private static final int BLOCK = 8;

  private final FloatRows rows;
  private final int n;
  private final int d;
  private final boolean normalize;
  private final int threads;
  private final KernelProvider kernels;

  /**
   * An evaluator over {@code n} rows of {@code d} floats.
   *
   * @param normalize scale rows to unit length as they are read (false when they already are)
   */
  public QualityEvaluator(FloatRows rows, int n, int d, boolean normalize, int threads, KernelProvider kernels) {
    this.rows = rows;
    this.n = n;
    this.d = d;
    this.normalize = normalize;
    this.threads = threads;
    this.kernels = kernels;
  }

  /**
   * Overlap@k and mean positional distance of the LSH lists of the given anchors: row {@code
   * lshRows[i]} of {@code lsh} holds the neighbours (item ids) of item {@code anchors[i]};
   * exclusions are indexed by item.
   */
  public QualityReport report(Neighbours lsh, int[] lshRows, int[] anchors, Exclusions ex, Progress progress)
      throws IOException {
    if (lshRows.length != anchors.length) {
      throw new IllegalArgumentException("rows and anchors differ in length");
    }
    int[][] lists = new int[anchors.length][];
    for (int i = 0; i < anchors.length; i++) {
      lists[i] = Arrays.copyOf(lsh.row(lshRows[i]), lsh.count(lshRows[i]));
    }
    return QualityReport.of(ranks(anchors, lists, ex, progress), lsh.k());
  }

  /**
   * The exact rank of every listed item: {@code lists[i]} are item ids in list order for anchor
   * {@code anchors[i]}.
   *
   * @throws IllegalArgumentException if a list holds an item the exclusions forbid
   */
  public Ranks ranks(int[] anchors, int[][] lists, Exclusions ex, Progress progress) throws IOException {
    int m = anchors.length;
    float[] a = new float[m * d];
    float[] row = new float[d];
    for (int r = 0; r < m; r++) {
      rows.read(anchors[r], 1, row);
      System.arraycopy(row, 0, a, r * d, d);
    }
    unit(a, m);

    // Keys of each anchor's listed items in exact order, and each list position's place among them.
    long[][] sorted = new long[m][];
    int[][] place = new int[m][];
    for (int r = 0; r < m; r++) {
      progress.checkCancelled();
      int[] list = lists[r];
      int cnt = list.length;
      float[] nb = new float[cnt * d];
      for (int i = 0; i < cnt; i++) {
        if (list[i] < 0 || list[i] >= n || excluded(ex, anchors[r], list[i])) {
          throw new IllegalArgumentException("the list of anchor " + anchors[r] + " holds item " + list[i]
              + ", which is out of range or excluded for it");
        }
        rows.read(list[i], 1, row);
        System.arraycopy(row, 0, nb, i * d, d);
      }
      unit(nb, cnt);
      float[] sims = new float[cnt];
      if (cnt > 0) {
        kernels.project(Arrays.copyOfRange(a, r * d, (r + 1) * d), 1, d, transpose(nb, cnt, d), cnt, sims);
      }
      long[] keys = new long[cnt];
      for (int i = 0; i < cnt; i++) {
        keys[i] = key(sims[i], list[i]);
      }
      long[] s = keys.clone();
      Arrays.sort(s);
      int[] p = new int[cnt];
      for (int i = 0; i < cnt; i++) {
        p[i] = Arrays.binarySearch(s, keys[i]);
      }
      sorted[r] = s;
      place[r] = p;
    }

    int[][] gaps = new int[m][];
    for (int r = 0; r < m; r++) {
      gaps[r] = new int[sorted[r].length + 1];
    }
    int[] admissible = new int[m];
    float[] chunk = new float[CHUNK * d];
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      progress.checkCancelled();
      int cn = Math.min(CHUNK, n - c0);
      rows.read(c0, cn, chunk);
      unit(chunk, cn);
      float[] cT = transpose(chunk, cn, d);
      int from0 = c0;
      Parallel.forRange(threads, m, BLOCK, (from, to) -> {
        int br = to - from;
        float[] sims = new float[br * cn];
        kernels.project(Arrays.copyOfRange(a, from * d, to * d), br, d, cT, cn, sims);
        for (int r = from; r < to; r++) {
          int anchor = anchors[r];
          long[] s = sorted[r];
          int[] g = gaps[r];
          int adm = 0;
          for (int j = 0; j < cn; j++) {
            int c = from0 + j;
            if (excluded(ex, anchor, c)) {
              continue;
            }
            adm++;
            int pos = Arrays.binarySearch(s, key(sims[(r - from) * cn + j], c));
            g[pos >= 0 ? pos : -pos - 1]++;
          }
          admissible[r] += adm;
        }
      });
      progress.advance(cn);
    }

    int[][] exactRanks = new int[m][];
    for (int r = 0; r < m; r++) {
      int cnt = sorted[r].length;
      int[] before = new int[cnt];
      int acc = 0;
      for (int q = 0; q < cnt; q++) {
        acc += gaps[r][q];
        before[q] = acc - 1; // the listed item itself fell into gap q
      }
      exactRanks[r] = new int[cnt];
      for (int i = 0; i < cnt; i++) {
        exactRanks[r][i] = before[place[r][i]];
      }
    }
    return new Ranks(anchors.clone(), exactRanks, admissible);
  }

  private void unit(float[] x, int rowsIn) {
    if (normalize) {
      Encoder.normalizeRows(x, rowsIn, d);
    }
  }

  /** Ascending order of this key is the exact order: higher similarity first, ties by smaller id. */
  static long key(float sim, int id) {
    int bits = Float.floatToIntBits(sim);
    int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
    return ((-(long) ordered) << 32) | id;
  }

  private static boolean excluded(Exclusions ex, int a, int c) {
    return !ex.admits(a, c);
  }

  private static float[] transpose(float[] x, int rowsIn, int d) {
    float[] t = new float[d * rowsIn];
    for (int c = 0; c < rowsIn; c++) {
      for (int i = 0; i < d; i++) {
        t[i * rowsIn + c] = x[c * d + i];
      }
    }
    return t;
  }
}
