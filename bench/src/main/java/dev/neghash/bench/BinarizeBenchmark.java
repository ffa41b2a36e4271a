package dev.neghash.bench;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.util.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binarisation kernel (step 3 of the method): centred sign bits of {@code rows} projections packed
 * into 64-bit words, in blocks of {@value ProjectionBenchmark#BLOCK} rows over {@code threads}
 * threads; the Java reference and the Vector API provider side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class BinarizeBenchmark {

  /** Rows binarised per operation. */
  @Param({"4096"})
  public int rows;

  /** Bits per row. */
  @Param({"256", "1024"})
  public int bits;

  /** Worker threads. */
  @Param({"1", "2"})
  public int threads;

  private float[][] z;
  private long[] codes;
  private float[] mean;
  private KernelProvider reference;
  private KernelProvider vector;

  /** Projects seeded vectors (d = 128), computes the per-bit mean and checks parity. */
  @Setup(Level.Trial)
  public void setup() {
    reference = KernelProviders.byName("java");
    vector = KernelProviders.byName("panama");
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
    int block = ProjectionBenchmark.BLOCK;
    int blocks = (rows + block - 1) / block;
    z = new float[blocks][];
    for (int b = 0; b < blocks; b++) {
      int m = Math.min(block, rows - b * block);
      z[b] = java.util.Arrays.copyOfRange(all, b * block * bits, (b * block + m) * bits);
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
    int block = ProjectionBenchmark.BLOCK;
    int words = bits / 64;
    Parallel.forRange(threads, z.length, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        p.binarize(z[b], z[b].length / bits, bits, mean, codes, b * block * words);
      }
    });
    return codes;
  }
}
