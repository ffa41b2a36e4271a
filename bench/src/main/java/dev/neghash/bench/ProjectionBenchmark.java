package dev.neghash.bench;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.util.Parallel;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Projection kernel (step 2 of the method, {@code z = R y}): {@code rows} unit vectors of dimension
 * {@code d} onto {@code bits} hyperplanes, split into blocks of {@value EncoderBlocks#BLOCK} rows
 * over {@code threads} threads as the encoder does; the Java reference and the Vector API provider
 * side by side.
 */
public class ProjectionBenchmark extends KernelBenchmark.EncoderBlocks {

  /** Input dimension. */
  @Param({"128", "784"})
  public int d;

  private float[][] x;
  private float[][] z;
  private float[] rT;

  /** Builds seeded inputs and checks that both providers give the same floats. */
  @Setup(Level.Trial)
  public void setup() {
    float[] all = BenchData.vectors("synthetic", rows, d).x();
    x = new float[blocks()][];
    z = new float[x.length][];
    for (int b = 0; b < x.length; b++) {
      int m = blockRows(b);
      x[b] = Arrays.copyOfRange(all, b * BLOCK * d, (b * BLOCK + m) * d);
      z[b] = new float[m * bits];
    }
    rT = Projection.create(d, bits, BenchData.SEED).transposed();
    float[] ref = new float[x[0].length / d * bits];
    reference.project(x[0], ref.length / bits, d, rT, bits, ref);
    float[] fast = new float[ref.length];
    vector.project(x[0], ref.length / bits, d, rT, bits, fast);
    BenchData.requireEqual("projection", ref, fast);
  }

  /** Plain Java reference kernel. */
  @Benchmark
  public float[][] javaReference() {
    return run(reference);
  }

  /** Vector API kernel. */
  @Benchmark
  public float[][] panama() {
    return run(vector);
  }

  private float[][] run(KernelProvider p) {
    Parallel.forRange(threads, x.length, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        p.project(x[b], x[b].length / d, d, rT, bits, z[b]);
      }
    });
    return z;
  }
}
