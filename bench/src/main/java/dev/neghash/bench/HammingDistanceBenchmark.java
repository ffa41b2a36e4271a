package dev.neghash.bench;

import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.util.Parallel;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Hamming distance block (step 4 of the method) without top-k selection: the distances of {@code
 * anchors} codes to all {@code candidates} codes, one anchor's row at a time, anchors spread over
 * {@code threads}. This is the XOR + popcount bound of the search: the top-k search can only be
 * slower. Multiply by {@code candidates / anchors} for the all-pairs bound.
 *
 * <p>{@link #javaReference} is {@link JavaKernels#hammingDistances} over row-major codes. {@link
 * #vectorInterleaved} is a benchmark-only Vector API loop over the candidate layout the engine's
 * Panama provider uses (word {@code q} of {@code L} consecutive candidates in one vector), so
 * {@code L} distances come out of each vector with no horizontal reduction.
 */
public class HammingDistanceBenchmark extends KernelBenchmark.AnchorBlock {

  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int L = LS.length();
  private static final VectorSpecies<Integer> IS =
      IntVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Math.max(64, LS.vectorBitSize() / 2)));

  /** Code length. */
  @Param({"256", "1024"})
  public int bits;

  private long[] codes;
  private long[] interleaved;
  private int words;
  private int blocks;
  private int[] sink;
  private ThreadLocal<int[]> rows;

  /** Encodes seeded clustered vectors (d = 128) and checks that both variants agree. */
  @Setup(Level.Trial)
  public void setup() {
    PackedCodes pc = BenchData.syntheticCodes(candidates, bits);
    codes = pc.words();
    words = pc.wordsPerCode();
    blocks = (candidates + L - 1) / L;
    interleaved = new long[blocks * words * L];
    for (int c = 0; c < candidates; c++) {
      for (int q = 0; q < words; q++) {
        interleaved[((c / L) * words + q) * L + c % L] = codes[c * words + q];
      }
    }
    sink = new int[anchors];
    rows = ThreadLocal.withInitial(() -> new int[blocks * L]);
    int[] ref = new int[candidates];
    JavaKernels.hammingDistances(codes, 1, codes, 0, candidates, words, ref);
    int[] fast = new int[blocks * L];
    vectorRow(1, fast);
    BenchData.requireEqual("hamming distances", ref, java.util.Arrays.copyOf(fast, candidates));
  }

  /** Scalar reference: {@link JavaKernels#hammingDistances}. */
  @Benchmark
  public int[] javaReference() {
    Parallel.forRange(threads, anchors, 16, (from, to) -> {
      int[] row = rows.get();
      for (int a = from; a < to; a++) {
        JavaKernels.hammingDistances(codes, a, codes, 0, candidates, words, row);
        sink[a] = row[a];
      }
    });
    return sink;
  }

  /** Vector API over interleaved candidate codes. */
  @Benchmark
  public int[] vectorInterleaved() {
    Parallel.forRange(threads, anchors, 16, (from, to) -> {
      int[] row = rows.get();
      for (int a = from; a < to; a++) {
        vectorRow(a, row);
        sink[a] = row[a];
      }
    });
    return sink;
  }

  private void vectorRow(int a, int[] out) {
    int ao = a * words;
    for (int blk = 0; blk < blocks; blk++) {
      int base = blk * words * L;
      LongVector s = LongVector.zero(LS);
      for (int q = 0; q < words; q++) {
        s = s.add(LongVector.fromArray(LS, interleaved, base + q * L)
            .lanewise(VectorOperators.XOR, codes[ao + q])
            .lanewise(VectorOperators.BIT_COUNT));
      }
      ((IntVector) s.castShape(IS, 0)).intoArray(out, blk * L);
    }
  }
}
