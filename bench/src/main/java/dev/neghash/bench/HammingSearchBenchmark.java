package dev.neghash.bench;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.Progress;
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
 * The whole Hamming top-k search (steps 4 and 5, label exclusion and selection included): all
 * {@code n} items against all {@code n}, k nearest different-label neighbours each, through {@link
 * HammingSearch#search}. The defaults are the engine's reference case: Fashion-MNIST training
 * images (N = 60,000, their real labels), top-32, b = 256 and 1024, 2 threads. One operation is a
 * whole search (seconds), so the mode is single-shot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class HammingSearchBenchmark {

  /** {@code fashion} (Debian's Fashion-MNIST, d = 784) or {@code synthetic} (seeded, d = 784). */
  @Param({"fashion"})
  public String data;

  /** Items (anchors and candidates). */
  @Param({"60000"})
  public int n;

  /** Code length. */
  @Param({"256", "1024"})
  public int bits;

  /** Neighbours per anchor. */
  @Param({"32"})
  public int k;

  /** Worker threads. */
  @Param({"2"})
  public int threads;

  private PackedCodes codes;
  private Exclusions exclusions;
  private KernelProvider reference;
  private KernelProvider vector;

  /** Encodes the data (not timed) and checks that both providers return the same lists. */
  @Setup(Level.Trial)
  public void setup() {
    BenchData.Vectors v = BenchData.vectors(data, n, 784);
    codes = BenchData.codes(v, bits);
    exclusions = Exclusions.labels(v.labels());
    reference = KernelProviders.byName("java");
    vector = KernelProviders.byName("panama");
    PackedCodes head = codes.slice(0, Math.min(n, 512));
    Exclusions ex = new Exclusions(true, java.util.Arrays.copyOf(v.labels(), head.n()), v.labels(), null, null);
    Neighbours a = HammingSearch.search(head, codes, ex, k, threads, reference, Progress.NONE);
    Neighbours b = HammingSearch.search(head, codes, ex, k, threads, vector, Progress.NONE);
    BenchData.requireEqual("search ids", a.ids(), b.ids());
    BenchData.requireEqual("search distances", a.hamming(), b.hamming());
  }

  /** The Java reference provider. */
  @Benchmark
  public Neighbours javaReference() {
    return HammingSearch.search(codes, codes, exclusions, k, threads, reference, Progress.NONE);
  }

  /** The Vector API provider. */
  @Benchmark
  public Neighbours panama() {
    return HammingSearch.search(codes, codes, exclusions, k, threads, vector, Progress.NONE);
  }
}
