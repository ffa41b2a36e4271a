package dev.neghash.bench;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.util.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * Binarisation kernel (step 3 of the method): centred sign bits of {@code rows} projections packed
 * into 64-bit words, in blocks of {@value EncoderBlocks#BLOCK} rows over {@code threads} threads;
 * the Java reference and the Vector API provider side by side.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BinarizeBenchmark extends KernelBenchmark.EncoderBlocks {

  private float[][] z;
  private long[] codes;
  private float[] mean;

  /** Projects seeded vectors (d = 128), computes the per-bit mean and checks parity. */
  @Setup(Level.Trial)
  public void setup() {
    int d = 128;
    float[] x = BenchData.vectors("synthetic", rows, d).x();
    float[] all = new float[rows * bits];
    vector.project(x, rows, d, Projection.create(d, bits, BenchData.SEED).transposed(), bits, all);
    mean = new float[bits];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < bits; j++) {
        mean[j] += all[r * bits + j] / rows;
      }
    }
    z = new float[blocks()][];
    for (int b = 0; b < z.length; b++) {
      z[b] = java.util.Arrays.copyOfRange(all, b * BLOCK * bits, (b * BLOCK + blockRows(b)) * bits);
    }
    codes = new long[rows * bits / 64];
    long[] ref = run(reference).clone();
    BenchData.requireEqual("binarize", ref, run(vector));
  }

  /** Plain Java reference kernel. */
  @Benchmark
  public long[] javaReference() {
    return run(reference);
  }

  /** Vector API kernel. */
  @Benchmark
  public long[] panama() {
    return run(vector);
  }

  private long[] run(KernelProvider p) {
    int words = bits / 64;
    Parallel.forRange(threads, z.length, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        p.binarize(z[b], z[b].length / bits, bits, mean, codes, b * BLOCK * words);
      }
    });
    return codes;
  }
}
