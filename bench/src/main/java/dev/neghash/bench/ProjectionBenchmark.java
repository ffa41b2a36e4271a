package dev.neghash.bench;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.util.Parallel;
import java.util.Arrays;
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
 * Projection kernel (step 2 of the method, {@code z = R y}): {@code rows} unit vectors of dimension
 * {@code d} onto {@code bits} hyperplanes, split into blocks of {@value #BLOCK} rows over {@code
 * threads} threads as the encoder does; the Java reference and the Vector API provider side by
 * side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class ProjectionBenchmark {

  /** Rows per parallel block (the encoder's task size). */
  static final int BLOCK = 256;

  /** Rows projected per operation. */
  @Param({"4096"})
  public int rows;

  /** Input dimension. */
  @Param({"128", "784"})
  public int d;

  /** Output bits. */
  @Param({"256", "1024"})
  public int bits;

  /** Worker threads. */
  @Param({"1", "2"})
  public int threads;

  private float[][] x;
  private float[][] z;
  private float[] rT;
  private KernelProvider reference;
  private KernelProvider vector;

  /** Builds seeded inputs and checks that both providers give the same floats. */
  @Setup(Level.Trial)
  public void setup() {
    reference = KernelProviders.byName("java");
    vector = KernelProviders.byName("panama");
    float[] all = BenchData.vectors("synthetic", rows, d).x();
    int blocks = (rows + BLOCK - 1) / BLOCK;
    x = new float[blocks][];
    z = new float[blocks][];
    for (int b = 0; b < blocks; b++) {
      int m = Math.min(BLOCK, rows - b * BLOCK);
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
