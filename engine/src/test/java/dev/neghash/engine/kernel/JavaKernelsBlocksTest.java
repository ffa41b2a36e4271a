package dev.neghash.engine.kernel;

import dev.neghash.engine.search.Exclusions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-row and per-anchor kernels that devices run: a brute-force oracle for the Hamming
 * top-k, and scanning candidates in blocks with one heap must equal one scan over all of them.
 */
class JavaKernelsBlocksTest {

  private static final int WORDS = 2;

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 64, 200})
  void hammingTopKMatchesSortedOracle(int k) {
    Case c = Case.random(257, 300, 11, true, true);
    int[] ids = new int[c.anchors * k];
    int[] dist = new int[c.anchors * k];
    JavaKernels.hammingTopK(
        c.anchorCodes, c.candidateCodes, c.candidates, WORDS, c.anchorLabels, c.candidateLabels,
        c.posOffsets, c.posIds, 0, k, 0, c.anchors, ids, dist);
    for (int a = 0; a < c.anchors; a++) {
      List<int[]> admissible = new ArrayList<>();
      for (int j = 0; j < c.candidates; j++) {
        if (c.anchorLabels[a] == c.candidateLabels[j]
            || JavaKernels.isListed(c.posOffsets, c.posIds, a, j)) {
          continue;
        }
        admissible.add(new int[] {c.distance(a, j), j});
      }
      admissible.sort(Comparator.<int[]>comparingInt(x -> x[0]).thenComparingInt(x -> x[1]));
      for (int r = 0; r < k; r++) {
        int[] want = r < admissible.size() ? admissible.get(r) : new int[] {-1, -1};
        assertThat(new int[] {dist[a * k + r], ids[a * k + r]})
            .as("anchor %d rank %d", a, r)
            .containsExactly(want);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 64, 299, 300})
  void scanningInBlocksEqualsOneScan(int block) {
    for (boolean labels : new boolean[] {false, true}) {
      for (boolean positives : new boolean[] {false, true}) {
        Case c = Case.random(300, 300, 5, labels, positives);
        int k = 17;
        int[] wantIds = new int[c.anchors * k];
        int[] wantDist = new int[c.anchors * k];
        JavaKernels.hammingTopK(
            c.anchorCodes, c.candidateCodes, c.candidates, WORDS, c.anchorLabels,
            c.candidateLabels, c.posOffsets, c.posIds, 1, k, 0, c.anchors, wantIds, wantDist);

        int[] ids = new int[c.anchors * k];
        int[] dist = new int[c.anchors * k];
        for (int a = 0; a < c.anchors; a++) {
          JavaKernels.heapInit(dist, ids, a * k, k);
          for (int c0 = 0; c0 < c.candidates; c0 += block) {
            int n = Math.min(block, c.candidates - c0);
            long[] codes = Arrays.copyOfRange(c.candidateCodes, c0 * WORDS, (c0 + n) * WORDS);
            int[] blockLabels = labels ? Arrays.copyOfRange(c.candidateLabels, c0, c0 + n) : new int[1];
            JavaKernels.hammingScan(
                c.anchorCodes, a, a, codes, n, c0, WORDS,
                labels ? 1 : 0, labels ? c.anchorLabels[a] : 0, blockLabels,
                positives ? 1 : 0, positives ? c.posIds : new int[1],
                positives ? c.posOffsets[a] : 0, positives ? c.posOffsets[a + 1] : 0,
                1, k, dist, ids, a * k);
          }
          JavaKernels.heapFinish(dist, ids, a * k, k);
        }
        assertThat(ids).as("ids, labels=%s positives=%s", labels, positives).isEqualTo(wantIds);
        assertThat(dist).as("distances").isEqualTo(wantDist);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 63, 64, 65})
  void rowKernelsEqualWholeKernels(int rows) {
    SplittableRandom rnd = new SplittableRandom(rows);
    int d = 13;
    int b = 128;
    float[] x = new float[rows * d];
    float[] rT = new float[d * b];
    float[] mean = new float[b];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < rT.length; i++) {
      rT[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < b; i++) {
      mean[i] = (float) rnd.nextGaussian() * 0.1f;
    }
    float[] z = new float[rows * b];
    JavaKernels.project(x, rows, d, rT, b, z);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < b; j++) {
        float s = 0f;
        for (int i = 0; i < d; i++) {
          s = Math.fma(x[r * d + i], rT[i * b + j], s);
        }
        assertThat(Float.floatToRawIntBits(z[r * b + j])).isEqualTo(Float.floatToRawIntBits(s));
      }
    }
    long[] codes = new long[3 + rows * 2];
    JavaKernels.binarize(z, rows, b, mean, codes, 3);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < b; j++) {
        boolean bit = (codes[3 + r * 2 + (j >>> 6)] >>> (j & 63) & 1L) != 0;
        assertThat(bit).isEqualTo(z[r * b + j] >= mean[j]);
      }
    }
    assertThat(codes[0] | codes[1] | codes[2]).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 5, 16})
  void lowerBoundIsTheFirstIndexNotBelow(int length) {
    int[] ids = new int[length + 2];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 3 * i;
    }
    for (int c = -1; c < 3 * ids.length + 1; c++) {
      int want = 1;
      while (want < 1 + length && ids[want] < c) {
        want++;
      }
      assertThat(JavaKernels.lowerBound(ids, 1, 1 + length, c)).as("c=%d", c).isEqualTo(want);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 512, Integer.MAX_VALUE})
  void beatsOrdersByDistanceThenId(int d) {
    int[] ids = {0, 1, 5, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
    int[] dists = {0, 1, d, Integer.MAX_VALUE};
    for (int topD : dists) {
      for (int id : ids) {
        for (int topId : ids) {
          boolean want = d < topD || (d == topD && id < topId);
          assertThat(JavaKernels.beats(d, id, topD, topId))
              .as("(%d,%d) vs (%d,%d)", d, id, topD, topId)
              .isEqualTo(want);
        }
      }
    }
  }

  private record Case(
      int anchors, int candidates, long[] anchorCodes, long[] candidateCodes,
      int[] anchorLabels, int[] candidateLabels, int[] posOffsets, int[] posIds) {

    /** Random codes with few set bits (many equal distances, so ties by index matter). */
    static Case random(int anchors, int candidates, int classes, boolean labels, boolean positives) {
      SplittableRandom rnd = new SplittableRandom(anchors * 31L + candidates + classes);
      long[] cand = sparseCodes(rnd, candidates);
      long[] anch = anchors == candidates ? cand : sparseCodes(rnd, anchors);
      int[] cl = labels ? randomLabels(rnd, candidates, classes) : null;
      int[] al = labels ? (anchors == candidates ? cl : randomLabels(rnd, anchors, classes)) : null;
      int[] off = null;
      int[] pid = null;
      if (positives) {
        int[] pa = new int[anchors * 3];
        int[] pc = new int[anchors * 3];
        for (int p = 0; p < pa.length; p++) {
          pa[p] = p / 3;
          pc[p] = rnd.nextInt(candidates);
        }
        Exclusions e = Exclusions.none().withPositivePairs(anchors, pa, pc);
        off = e.positiveOffsets();
        pid = e.positiveIds();
      }
      return new Case(anchors, candidates, anch, cand, al, cl, off, pid);
    }

    private static long[] sparseCodes(SplittableRandom rnd, int n) {
      long[] codes = new long[n * WORDS];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = rnd.nextLong() & rnd.nextLong() & rnd.nextLong() & 0xFFFFL;
      }
      return codes;
    }

    private static int[] randomLabels(SplittableRandom rnd, int n, int classes) {
      int[] l = new int[n];
      for (int i = 0; i < n; i++) {
        l[i] = rnd.nextInt(classes);
      }
      return l;
    }

    int distance(int a, int c) {
      int d = 0;
      for (int w = 0; w < WORDS; w++) {
        d += Long.bitCount(anchorCodes[a * WORDS + w] ^ candidateCodes[c * WORDS + w]);
      }
      return d;
    }
  }
}
