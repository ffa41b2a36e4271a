package dev.neghash.bench;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings of the kernel benchmarks (average time in milliseconds, one fork with the
 * Vector API module), their thread counts and the two kernel providers they compare; a subclass
 * annotates only what it does otherwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public abstract class KernelBenchmark {

  /** Worker threads. */
  @Param({"1", "2"})
  public int threads;

  /** The plain Java kernels. */
  protected final KernelProvider reference = KernelProviders.byName("java");

  /** The Vector API kernels. */
  protected final KernelProvider vector = KernelProviders.byName("panama");

  /**
   * A kernel benchmark over a block of {@code anchors} compared with all {@code candidates}:
   * multiply by {@code candidates / anchors} for the all-pairs time.
   */
  public abstract static class AnchorBlock extends KernelBenchmark {

    /** Anchors per operation. */
    @Param({"256"})
    public int anchors;

    /** Candidates every anchor is compared with. */
    @Param({"60000"})
    public int candidates;
  }

  /**
   * A kernel benchmark of the encoder: {@code rows} rows of {@code bits} bits split into blocks of
   * {@value #BLOCK} rows, as the encoder splits its work.
   */
  public abstract static class EncoderBlocks extends KernelBenchmark {

    /** Rows per parallel block (the encoder's task size). */
    static final int BLOCK = 256;

    /** Rows per operation. */
    @Param({"4096"})
    public int rows;

    /** Bits per row. */
    @Param({"256", "1024"})
    public int bits;

    /** Number of blocks of {@link #rows}. */
    int blocks() {
      return (rows + BLOCK - 1) / BLOCK;
    }

    /** Rows in block {@code b}. */
    int blockRows(int b) {
      return Math.min(BLOCK, rows - b * BLOCK);
    }
  }
}
