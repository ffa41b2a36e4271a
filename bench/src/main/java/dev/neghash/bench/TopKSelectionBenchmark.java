package dev.neghash.bench;

import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.util.Parallel;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Top-k selection (step 5 of the method) over precomputed Hamming distances, without the distance
 * computation: for each of {@code anchors} rows of {@code candidates} distances, the k smallest
 * (ties by smaller index), anchors spread over {@code threads}.
 *
 * <p>{@link #heapReference} is the engine's bounded max-heap ({@link JavaKernels#heapReplaceTop}
 * and friends). {@link #countingSelect} is an alternative that uses the small range of Hamming
 * distances ({@code 0..bits}): a histogram finds the k-th distance, one more pass collects the
 * winners in index order, and a sort of k packed keys orders them; it returns the same lists.
 * Distance rows come from real codes (seeded clustered vectors, d = 128), {@value #ROWS} distinct
 * rows reused in turn so the data stays in memory.
 */
public class TopKSelectionBenchmark extends KernelBenchmark.AnchorBlock {

  static final int ROWS = 64;

  /** Code length (bounds the distances). */
  @Param({"256"})
  public int bits;

  /** List length. */
  @Param({"32", "128"})
  public int k;

  private int[][] dist;
  private int[] outIds;
  private int[] outDist;

  /** Computes the distance rows and checks that both selections agree. */
  @Setup(Level.Trial)
  public void setup() {
    PackedCodes pc = BenchData.syntheticCodes(candidates, bits);
    dist = new int[ROWS][candidates];
    for (int r = 0; r < ROWS; r++) {
      JavaKernels.hammingDistances(pc.words(), r, pc.words(), 0, candidates, pc.wordsPerCode(), dist[r]);
    }
    outIds = new int[anchors * k];
    outDist = new int[anchors * k];
    heapReference();
    int[] ids = outIds.clone();
    int[] ds = outDist.clone();
    countingSelect();
    BenchData.requireEqual("selection ids", ids, outIds);
    BenchData.requireEqual("selection distances", ds, outDist);
  }

  /** The engine's bounded heap. */
  @Benchmark
  public int[] heapReference() {
    Parallel.forRange(threads, anchors, 16, (from, to) -> {
      for (int a = from; a < to; a++) {
        int[] row = dist[a % ROWS];
        int base = a * k;
        JavaKernels.heapInit(outDist, outIds, base, k);
        for (int c = 0; c < candidates; c++) {
          int d = row[c];
          if (JavaKernels.beats(d, c, outDist[base], outIds[base])) {
            JavaKernels.heapReplaceTop(outDist, outIds, base, k, d, c);
          }
        }
        JavaKernels.heapFinish(outDist, outIds, base, k);
      }
    });
    return outIds;
  }

  /** Histogram threshold, collection in index order, sort of k keys. */
  @Benchmark
  public int[] countingSelect() {
    Parallel.forRange(threads, anchors, 16, (from, to) -> {
      int[] hist = new int[bits + 1];
      long[] keys = new long[k];
      for (int a = from; a < to; a++) {
        int[] row = dist[a % ROWS];
        Arrays.fill(hist, 0);
        for (int c = 0; c < candidates; c++) {
          hist[row[c]]++;
        }
        int t = 0;
        int below = 0;
        while (below + hist[t] < k) {
          below += hist[t++];
        }
        int atT = k - below; // how many of the candidates at distance t get in, in index order
        int m = 0;
        for (int c = 0; c < candidates && m < k; c++) {
          int d = row[c];
          if (d < t || (d == t && atT-- > 0)) {
            keys[m++] = ((long) d << 32) | c;
          }
        }
        Arrays.sort(keys, 0, m);
        int base = a * k;
        for (int i = 0; i < k; i++) {
          outDist[base + i] = (int) (keys[i] >>> 32);
          outIds[base + i] = (int) keys[i];
        }
      }
    });
    return outIds;
  }
}
