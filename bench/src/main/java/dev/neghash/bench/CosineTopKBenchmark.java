package dev.neghash.bench;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.Progress;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact cosine top-k block (the paper's pre-epoch baseline): the first {@code anchors} of {@code
 * candidates} seeded clustered unit vectors against all of them, k nearest different-label
 * neighbours each, through {@link ExactCosineSearch#search}. Multiply by {@code candidates /
 * anchors} for the all-pairs time.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class CosineTopKBenchmark extends KernelBenchmark.AnchorBlock {

  /** Dimension. */
  @Param({"128", "784"})
  public int d;

  /** Neighbours per anchor. */
  @Param({"32"})
  public int k;

  private float[] anchorRows;
  private float[] x;
  private Exclusions exclusions;

  /** Builds the vectors and checks that both providers return the same lists. */
  @Setup(Level.Trial)
  public void setup() {
    BenchData.Vectors v = BenchData.vectors("synthetic", candidates, d);
    x = v.x();
    anchorRows = Arrays.copyOf(x, anchors * d);
    // Anchors are the first items, so anchor a and candidate a are the same item.
    exclusions = new Exclusions(true, Arrays.copyOf(v.labels(), anchors), v.labels(), null, null);
    Neighbours a = javaReference();
    Neighbours b = panama();
    BenchData.requireEqual("cosine ids", a.ids(), b.ids());
    BenchData.requireEqual("cosine similarities", a.similarity(), b.similarity());
  }

  /** The Java reference provider. */
  @Benchmark
  public Neighbours javaReference() {
    return ExactCosineSearch.search(anchorRows, x, d, exclusions, k, threads, reference, Progress.NONE);
  }

  /** The Vector API provider. */
  @Benchmark
  public Neighbours panama() {
    return ExactCosineSearch.search(anchorRows, x, d, exclusions, k, threads, vector, Progress.NONE);
  }
}
