package dev.neghash.api.job;

import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The measures of {@link QualityReport#evaluate} (overlap@k and mean positional distance against
 * the exact cosine order, on a seeded sample of anchors), computed by streaming the float rows from
 * disk once instead of holding them: memory is O(sample x (d + k)), not O(N d).
 *
 * <p>The exact rank of an LSH neighbour is the number of admissible candidates that come before it
 * in the exact order (higher cosine, ties by smaller index). Each anchor's LSH neighbours are
 * sorted by that order first; every streamed candidate then lands in one gap between them (binary
 * search), and prefix sums of the gap counts give every neighbour's rank. Similarities come from
 * the same projection kernel as the engine's report, whose per-element fma order does not depend on
 * the block shape, so the figures equal {@link QualityReport#evaluate}'s exactly.
 */
final class StreamingQuality {

  /** Float rows of the snapshot, read by position. */
  interface Rows {
    /** Reads rows {@code [from, from + n)} into {@code dst} (row-major). */
    void read(long from, int n, float[] dst) throws IOException;
  }

  /** The two measures. */
  record Result(int sampled, int k, double overlap, double meanPositionalDistance) {}

  private static final int CHUNK = 1024;
  private static final int BLOCK = 8;

  private StreamingQuality() {}

  /** Evaluates {@code lsh} (one set of {@code n} items against itself) against exact cosine order. */
  static Result evaluate(Neighbours lsh, Rows rows, int n, int d, Exclusions ex, int sample, long seed,
      int threads, KernelProvider kernels, Progress progress) throws IOException {
    int[] anchors = QualityReport.sampleAnchors(lsh.n(), sample, seed);
    int m = anchors.length;
    int k = lsh.k();
    float[] a = new float[m * d];
    float[] row = new float[d];
    for (int r = 0; r < m; r++) {
      rows.read(anchors[r], 1, row);
      System.arraycopy(row, 0, a, r * d, d);
    }
    Encoder.normalizeRows(a, m, d);

    // Keys of each anchor's LSH neighbours in exact order, and each LSH rank's place among them.
    long[][] sorted = new long[m][];
    int[][] place = new int[m][];
    for (int r = 0; r < m; r++) {
      progress.checkCancelled();
      int cnt = lsh.count(anchors[r]);
      float[] nb = new float[cnt * d];
      for (int i = 0; i < cnt; i++) {
        rows.read(lsh.id(anchors[r], i), 1, row);
        System.arraycopy(row, 0, nb, i * d, d);
      }
      Encoder.normalizeRows(nb, cnt, d);
      float[] sims = new float[cnt];
      if (cnt > 0) {
        kernels.project(Arrays.copyOfRange(a, r * d, (r + 1) * d), 1, d, transpose(nb, cnt, d), cnt, sims);
      }
      long[] keys = new long[cnt];
      for (int i = 0; i < cnt; i++) {
        keys[i] = key(sims[i], lsh.id(anchors[r], i));
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
      Encoder.normalizeRows(chunk, cn, d);
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

    double overlapSum = 0;
    double posSum = 0;
    long posCount = 0;
    for (int r = 0; r < m; r++) {
      int cnt = sorted[r].length;
      int[] before = new int[cnt];
      int acc = 0;
      for (int q = 0; q < cnt; q++) {
        acc += gaps[r][q];
        before[q] = acc - 1; // the neighbour itself fell into gap q
      }
      int exactK = Math.min(k, admissible[r]);
      int hits = 0;
      for (int i = 0; i < cnt; i++) {
        int er = before[place[r][i]];
        if (er < exactK) {
          hits++;
        }
        posSum += Math.abs(er - i);
        posCount++;
      }
      overlapSum += exactK == 0 ? 1.0 : (double) hits / exactK;
    }
    return new Result(m, k, m == 0 ? 0 : overlapSum / m, posCount == 0 ? 0 : posSum / posCount);
  }

  /** Ascending order of this key is the exact order: higher similarity first, ties by smaller id. */
  static long key(float sim, int id) {
    int bits = Float.floatToIntBits(sim);
    int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF);
    return ((-(long) ordered) << 32) | id;
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

  private static float[] transpose(float[] x, int n, int d) {
    float[] t = new float[d * n];
    for (int c = 0; c < n; c++) {
      for (int i = 0; i < d; i++) {
        t[i * n + c] = x[c * d + i];
      }
    }
    return t;
  }

  /** Rows from a raw little-endian float32 file of {@code d} columns. */
  static Rows file(java.nio.channels.FileChannel ch, int d) {
    return (from, n, dst) -> {
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(n * d * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long pos = from * d * 4L;
      while (bb.hasRemaining()) {
        if (ch.read(bb, pos + bb.position()) < 0) {
          throw new UncheckedIOException(new IOException("stored floats are truncated"));
        }
      }
      bb.flip().asFloatBuffer().get(dst, 0, n * d);
    };
  }
}
