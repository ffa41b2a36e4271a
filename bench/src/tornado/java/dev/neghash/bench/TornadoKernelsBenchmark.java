package dev.neghash.bench;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.Progress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernel providers side by side on the engine's own call paths (the encoder's row chunks on all
 * cores, the Hamming search's anchor chunks on all cores): {@code java}, {@code panama} and
 * {@code tornado} on the same data in one run. Must run inside TornadoVM (see
 * src/tornado/README.md); the forks inherit the launching JVM's flags.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class TornadoKernelsBenchmark {

  /** Rows per projection/binarisation task, as the encoder hands them to the provider. */
  private static final int ROWS_PER_TASK = 256;

  @Param({"java", "panama", "tornado"})
  public String provider;

  @Param({"20000"})
  public int n;

  @Param({"512"})
  public int bits;

  @Param({"784"})
  public int dims;

  @Param({"32"})
  public int k;

  private KernelProvider kernels;
  private float[] x;
  private float[] rT;
  private float[] z;
  private float[] mean;
  private PackedCodes codes;

  /** Builds the data once per trial; the codes come from a real encoding of Gaussian rows. */
  @Setup
  public void setup() {
    kernels = KernelProviders.byName(provider);
    SplittableRandom rnd = new SplittableRandom(42);
    x = new float[n * dims];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    rT = Projection.create(dims, bits, 7).transposed();
    z = new float[n * bits];
    mean = new float[bits];
    Encoder.Encoded e = new Encoder(dims, Encoder.Options.of(bits, 7), KernelProviders.byName("java")).encode(x, n);
    codes = e.codes();
    System.arraycopy(e.mean(), 0, mean, 0, bits);
    kernels.project(x, n, dims, rT, bits, z);
  }

  /** Projection of all rows in encoder-sized chunks on all cores. */
  @Benchmark
  public float[] project() {
    Parallel.forRange(0, n, ROWS_PER_TASK, (from, to) -> {
      float[] xs = java.util.Arrays.copyOfRange(x, from * dims, to * dims);
      float[] zs = new float[(to - from) * bits];
      kernels.project(xs, to - from, dims, rT, bits, zs);
      System.arraycopy(zs, 0, z, from * bits, zs.length);
    });
    return z;
  }

  /** Centring and sign packing of all rows in encoder-sized chunks on all cores. */
  @Benchmark
  public long[] binarize() {
    long[] out = new long[n * (bits / 64)];
    Parallel.forRange(0, n, ROWS_PER_TASK, (from, to) -> {
      float[] zs = java.util.Arrays.copyOfRange(z, from * bits, to * bits);
      kernels.binarize(zs, to - from, bits, mean, out, from * (bits / 64));
    });
    return out;
  }

  /** All-pairs Hamming top-k of the set against itself (self excluded), as HammingSearch runs it. */
  @Benchmark
  public Neighbours hammingTopK() {
    return HammingSearch.search(codes, codes, Exclusions.selfOnly(), k, 0, kernels, Progress.NONE);
  }
}
