package dev.neghash.bench;

import dev.neghash.engine.Progress;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The engine's kernels next to the machine's own bound for the same work, measured in one run,
 * so the ratio kernel / bound holds even on a busy machine:
 *
 * <ul>
 *   <li>{@code hammingSearch} (the whole Hamming top-k of {@code anchors} x {@code n} codes with
 *       label exclusion, Vector API provider) against {@code hammingBound}: a bare XOR + popcount
 *       loop over the same pairs, codes interleaved and blocked in L2 as the kernel keeps them, four
 *       anchors per candidate load, popcounts summed and nothing else; and {@code popcountPeak}: as
 *       many XOR + popcount + add steps on registers alone (the popcount units' peak). The ratio
 *       reported is to the faster of the two;
 *   <li>{@code cosineSearch} (exact cosine top-k of {@code cosineAnchors} x {@code n}) and {@code
 *       project} (projection of {@code n} rows to {@code bits}) against {@code fmaBoundCosine} and
 *       {@code fmaBoundProject}: the same number of fused multiply-adds on vectors held in
 *       registers (16 independent accumulators), the FMA units' peak.
 * </ul>
 *
 * <p>Run through {@link #main} to get the ratios printed after JMH's table; JMH options pass
 * through, e.g. {@code -f 1 -wi 3 -i 5 -p bits=256,1024}. A ratio that jumps between runs on the
 * same machine (a kernel 4x further from its bound than before) means C2 compiled the kernel
 * differently; {@code -jvmArgsAppend -XX:+PrintCompilation} shows it.
 *
 * <p>About 500 lines: each bound loop sits beside the kernel it bounds, with the same data, so one
 * run gives every ratio; {@link #measure} is also what {@code bench/run} reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class KernelBoundsBenchmark {

  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int L = LS.length();
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  /** Candidate codes per L2 tile, as the Hamming kernel keeps them. */
  private static final int TILE_BYTES = 256 * 1024;

  /** {@code fashion} (Debian's Fashion-MNIST, d = 784) or {@code synthetic} (seeded, d = 784). */
  @Param({"fashion"})
  public String data;

  /** Candidates (the first {@code n} items). */
  @Param({"60000"})
  public int n;

  /** Anchors of the Hamming search (the first items). */
  @Param({"60000"})
  public int anchors;

  /** Code length. */
  @Param({"256", "1024"})
  public int bits;

  /**
   * Anchors of the exact cosine search: enough that laying out the candidates (once per search,
   * a few percent at this size) does not stand in for the all-pairs search's kernel.
   */
  @Param({"4096"})
  public int cosineAnchors;

  /** Neighbours per anchor. */
  @Param({"32"})
  public int k;

  /** Worker threads. */
  @Param({"2"})
  public int threads;

  private PackedCodes codes;
  private PackedCodes anchorCodes;
  private Exclusions hammingExclusions;
  private long[] interleaved;
  private int blocks;
  private float[] x;
  private float[] cosineRows;
  private Exclusions cosineExclusions;
  private float[] rT;
  private float[][] xChunks;
  private float[][] zChunks;
  private int d;
  private KernelProvider vector;

  /** Builds codes and vectors (not timed). */
  @Setup(Level.Trial)
  public void setup() {
    BenchData.Vectors v = BenchData.vectors(data, n, 784);
    d = v.d();
    x = v.x();
    codes = BenchData.codes(v, bits);
    anchorCodes = codes.slice(0, anchors);
    hammingExclusions = new Exclusions(true, Arrays.copyOf(v.labels(), anchors), v.labels(), null, null);
    cosineRows = Arrays.copyOf(x, cosineAnchors * d);
    cosineExclusions =
        new Exclusions(true, Arrays.copyOf(v.labels(), cosineAnchors), v.labels(), null, null);
    rT = Projection.create(d, bits, BenchData.SEED).transposed();
    // Rows in chunks of 256, as the encoder hands them to the kernel.
    int chunks = (n + 255) / 256;
    xChunks = new float[chunks][];
    zChunks = new float[chunks][];
    for (int c = 0; c < chunks; c++) {
      int from = c * 256;
      int to = Math.min(n, from + 256);
      xChunks[c] = Arrays.copyOfRange(x, from * d, to * d);
      zChunks[c] = new float[(to - from) * bits];
    }
    vector = KernelProviders.byName("panama");
    int w = codes.wordsPerCode();
    blocks = (n + L - 1) / L;
    interleaved = new long[blocks * w * L];
    for (int c = 0; c < n; c++) {
      for (int q = 0; q < w; q++) {
        interleaved[((c / L) * w + q) * L + c % L] = codes.words()[c * w + q];
      }
    }
  }

  /** The Hamming top-k search with label exclusion (Vector API provider). */
  @Benchmark
  public Neighbours hammingSearch() {
    return HammingSearch.search(anchorCodes, codes, hammingExclusions, k, threads, vector, Progress.NONE);
  }

  /** XOR + popcount of every anchor with every candidate, nothing else (the search's bound). */
  @Benchmark
  public long hammingBound() {
    final int w = codes.wordsPerCode();
    final int tileBlocks = Math.max(1, TILE_BYTES / (w * L * 8));
    final long[] ac = codes.words();
    AtomicLong sink = new AtomicLong();
    Parallel.forRange(threads, anchors, KernelProvider.ANCHORS_PER_CHUNK, (from, to) -> {
      long[] bc = new long[4 * w * L];
      long s = 0;
      for (int tb = 0; tb < blocks; tb += tileBlocks) {
        int te = Math.min(blocks, tb + tileBlocks);
        for (int a = from; a + 4 <= to; a += 4) {
          for (int j = 0; j < 4; j++) {
            for (int q = 0; q < w; q++) {
              Arrays.fill(bc, (j * w + q) * L, (j * w + q + 1) * L, ac[(a + j) * w + q]);
            }
          }
          s += popcountTile(interleaved, tb, te, w * L, bc);
        }
      }
      sink.addAndGet(s);
    });
    return sink.get();
  }

  private static long popcountTile(long[] inter, int tb, int te, int wl, long[] bc) {
    LongVector s0 = LongVector.zero(LS), s1 = s0, s2 = s0, s3 = s0;
    for (int blk = tb; blk < te; blk++) {
      int base = blk * wl;
      for (int q = 0; q < wl; q += L) {
        LongVector c = LongVector.fromArray(LS, inter, base + q);
        s0 = s0.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, q)).lanewise(VectorOperators.BIT_COUNT));
        s1 = s1.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, wl + q)).lanewise(VectorOperators.BIT_COUNT));
        s2 = s2.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 2 * wl + q)).lanewise(VectorOperators.BIT_COUNT));
        s3 = s3.add(c.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, bc, 3 * wl + q)).lanewise(VectorOperators.BIT_COUNT));
      }
    }
    return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
  }

  /**
   * As many XOR + popcount + add vector steps as {@link #hammingSearch} needs ({@code anchors x n
   * x words / L}), on registers with no memory traffic at all: the popcount units' peak, the
   * stricter bound wherever it is faster than {@link #hammingBound}.
   */
  @Benchmark
  public long popcountPeak() {
    long steps = (long) anchors * n * codes.wordsPerCode() / L;
    long iterations = steps / 16;
    int parts = 64;
    long[] out = new long[parts];
    Parallel.forRange(threads, parts, 1, (from, to) -> {
      for (int p = from; p < to; p++) {
        out[p] = popcountLoop(iterations / parts);
      }
    });
    long s = 0;
    for (long v : out) {
      s += v;
    }
    return s;
  }

  // 16 independent chains v += popcount(v ^ m): each step one XOR, one popcount and one add, as
  // the search spends per anchor, code word and vector of candidates.
  private static long popcountLoop(long iterations) {
    LongVector m = LongVector.broadcast(LS, 0x5DEECE66DL);
    LongVector a0 = LongVector.broadcast(LS, 1L), a1 = LongVector.broadcast(LS, 2L);
    LongVector a2 = LongVector.broadcast(LS, 3L), a3 = LongVector.broadcast(LS, 4L);
    LongVector a4 = LongVector.broadcast(LS, 5L), a5 = LongVector.broadcast(LS, 6L);
    LongVector a6 = LongVector.broadcast(LS, 7L), a7 = LongVector.broadcast(LS, 8L);
    LongVector a8 = LongVector.broadcast(LS, 9L), a9 = LongVector.broadcast(LS, 10L);
    LongVector a10 = LongVector.broadcast(LS, 11L), a11 = LongVector.broadcast(LS, 12L);
    LongVector a12 = LongVector.broadcast(LS, 13L), a13 = LongVector.broadcast(LS, 14L);
    LongVector a14 = LongVector.broadcast(LS, 15L), a15 = LongVector.broadcast(LS, 16L);
    for (long i = 0; i < iterations; i++) {
      a0 = a0.add(a0.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a1 = a1.add(a1.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a2 = a2.add(a2.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a3 = a3.add(a3.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a4 = a4.add(a4.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a5 = a5.add(a5.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a6 = a6.add(a6.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a7 = a7.add(a7.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a8 = a8.add(a8.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a9 = a9.add(a9.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a10 = a10.add(a10.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a11 = a11.add(a11.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a12 = a12.add(a12.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a13 = a13.add(a13.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a14 = a14.add(a14.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
      a15 = a15.add(a15.lanewise(VectorOperators.XOR, m).lanewise(VectorOperators.BIT_COUNT));
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
        .add(a11).add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
  }

  /** Exact cosine top-k with label exclusion (Vector API provider). */
  @Benchmark
  public Neighbours cosineSearch() {
    return ExactCosineSearch.search(cosineRows, x, d, cosineExclusions, k, threads, vector, Progress.NONE);
  }

  /** As many fused multiply-adds as {@link #cosineSearch}, on registers: the FMA units' peak. */
  @Benchmark
  public float fmaBoundCosine() {
    return fmaPeak((long) cosineAnchors * n * d);
  }

  /** Projection of all {@code n} rows onto {@code bits} hyperplanes (Vector API provider). */
  @Benchmark
  public float[][] project() {
    Parallel.forRange(threads, xChunks.length, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        vector.project(xChunks[c], xChunks[c].length / d, d, rT, bits, zChunks[c]);
      }
    });
    return zChunks;
  }

  /** As many fused multiply-adds as {@link #project}, on registers. */
  @Benchmark
  public float fmaBoundProject() {
    return fmaPeak((long) n * d * bits);
  }

  private float fmaPeak(long fmas) {
    long iterations = fmas / (16L * FS.length());
    int parts = 64;
    float[] out = new float[parts];
    Parallel.forRange(threads, parts, 1, (from, to) -> {
      for (int p = from; p < to; p++) {
        out[p] = fmaLoop(iterations / parts);
      }
    });
    float s = 0;
    for (float f : out) {
      s += f;
    }
    return s;
  }

  // 16 independent chains hide the FMA latency; acc * 0.5 + 0.25 stays near 0.5 (no overflow,
  // no subnormals), so the loop runs at the units' throughput.
  private static float fmaLoop(long iterations) {
    FloatVector m = FloatVector.broadcast(FS, 0.5f);
    FloatVector c = FloatVector.broadcast(FS, 0.25f);
    FloatVector a0 = FloatVector.broadcast(FS, 0.1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
    FloatVector a14 = a0, a15 = a0;
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
      a12 = a12.fma(m, c);
      a13 = a13.fma(m, c);
      a14 = a14.fma(m, c);
      a15 = a15.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
        .add(a11).add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
  }

  /**
   * One kernel timed back to back with its bounds.
   *
   * @param kernel {@code hamming}, {@code cosine} or {@code project}
   * @param bits code length
   * @param kernelMs the kernel's fastest round
   * @param bounds each bound's name and fastest round in ms, in the order measured
   * @param ratio median over rounds of kernel time / the faster bound's time in the same round
   * @param ratioMin smallest per-round ratio
   * @param ratioMax largest per-round ratio
   */
  public record Paired(String kernel, int bits, double kernelMs, Map<String, Double> bounds, double ratio,
      double ratioMin, double ratioMax) {}

  /**
   * Times each kernel and its bounds back to back, {@code rounds} rounds after one untimed round,
   * on the first {@code n} items of {@code data}: on a machine shared with other work the load
   * changes within seconds, so a ratio of two neighbouring measurements is steadier than one of
   * two JMH iterations a minute apart.
   *
   * @param kernels any of {@code hamming}, {@code cosine}, {@code project}
   */
  public static List<Paired> measure(String data, int n, int anchors, int cosineAnchors, int[] bits,
      List<String> kernels, int rounds, int threads) {
    List<Paired> out = new ArrayList<>();
    for (int b : bits) {
      KernelBoundsBenchmark s = new KernelBoundsBenchmark();
      s.data = data;
      s.n = n;
      s.anchors = Math.min(anchors, n);
      s.bits = b;
      s.cosineAnchors = Math.min(cosineAnchors, n);
      s.k = 32;
      s.threads = threads;
      s.setup();
      for (String what : kernels) {
        Runnable kernel = switch (what) {
          case "hamming" -> s::hammingSearch;
          case "cosine" -> s::cosineSearch;
          case "project" -> s::project;
          default -> throw new IllegalArgumentException("unknown kernel " + what);
        };
        // The Hamming search has two bounds (codes from L2, registers only); each round takes the
        // faster, so the ratio is to the stricter one.
        Map<String, Runnable> bounds = new LinkedHashMap<>();
        switch (what) {
          case "hamming" -> {
            bounds.put("hammingBound", s::hammingBound);
            bounds.put("popcountPeak", s::popcountPeak);
          }
          case "cosine" -> bounds.put("fmaBoundCosine", s::fmaBoundCosine);
          default -> bounds.put("fmaBoundProject", s::fmaBoundProject);
        }
        double[] ratio = new double[rounds];
        double kernelBest = Double.MAX_VALUE;
        Map<String, Double> boundBest = new LinkedHashMap<>();
        for (int r = -1; r < rounds; r++) {
          double best = Double.MAX_VALUE;
          for (var e : bounds.entrySet()) {
            long t0 = System.nanoTime();
            e.getValue().run();
            double ms = (System.nanoTime() - t0) / 1e6;
            best = Math.min(best, ms);
            if (r >= 0) {
              boundBest.merge(e.getKey(), ms, Math::min);
            }
          }
          long t1 = System.nanoTime();
          kernel.run();
          double ms = (System.nanoTime() - t1) / 1e6;
          if (r >= 0) {
            kernelBest = Math.min(kernelBest, ms);
            ratio[r] = ms / best;
          }
        }
        Arrays.sort(ratio);
        out.add(new Paired(what, b, kernelBest, boundBest, ratio[rounds / 2], ratio[0], ratio[rounds - 1]));
      }
    }
    return out;
  }

  /**
   * {@code --paired [bits=256,1024] [n=N] [anchors=N] [cosineAnchors=N] [data=D] [rounds=R]
   * [only=hamming,cosine,project]}: {@link #measure}, printed.
   */
  private static void paired(String[] args) {
    Map<String, String> o = new TreeMap<>(Map.of(
        "bits", "256,1024", "n", "60000", "anchors", "8192", "cosineAnchors", "4096", "data", "fashion",
        "rounds", "7", "only", "hamming,cosine,project"));
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      o.put(kv[0], kv[1]);
    }
    int[] bits = Arrays.stream(o.get("bits").split(",")).mapToInt(Integer::parseInt).toArray();
    for (Paired p : measure(o.get("data"), Integer.parseInt(o.get("n")), Integer.parseInt(o.get("anchors")),
        Integer.parseInt(o.get("cosineAnchors")), bits, List.of(o.get("only").split(",")),
        Integer.parseInt(o.get("rounds")), 2)) {
      StringBuilder bs = new StringBuilder();
      p.bounds().forEach((name, ms) -> bs.append(bs.isEmpty() ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.1f ms", name, ms)));
      System.out.printf(Locale.ROOT,
          "%-8s bits=%-5d kernel / bound: median %.2f (range %.2f-%.2f; fastest kernel %.1f ms; %s)%n",
          p.kernel(), p.bits(), p.ratio(), p.ratioMin(), p.ratioMax(), p.kernelMs(), bs);
    }
  }

  /** Kernel and its bound, by benchmark method name. */
  private static final String[][] PAIRS = {
    {"hammingSearch", "hammingBound"},
    {"hammingSearch", "popcountPeak"},
    {"cosineSearch", "fmaBoundCosine"},
    {"project", "fmaBoundProject"},
  };

  /**
   * Runs this class through JMH (arguments as for JMH's own main, e.g. {@code -f 1 -wi 3 -i 5})
   * and prints each kernel's fastest iteration over its bound's, per parameter set.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--paired")) {
      paired(args);
      return;
    }
    CommandLineOptions cli = new CommandLineOptions(args);
    var opts = new org.openjdk.jmh.runner.options.OptionsBuilder()
        .parent(cli)
        .include(cli.getIncludes().isEmpty()
            ? KernelBoundsBenchmark.class.getSimpleName() : cli.getIncludes().get(0))
        .build();
    Collection<RunResult> results = new Runner(opts).run();
    Map<String, Map<String, Double>> byParams = new TreeMap<>();
    for (RunResult r : results) {
      var p = r.getParams();
      String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
      StringBuilder key = new StringBuilder();
      for (String name : p.getParamsKeys()) {
        key.append(name).append('=').append(p.getParam(name)).append(' ');
      }
      // The fastest iteration: on a shared machine other processes only ever add time.
      double best = Double.MAX_VALUE;
      for (var br : r.getBenchmarkResults()) {
        for (var it : br.getIterationResults()) {
          best = Math.min(best, it.getPrimaryResult().getScore());
        }
      }
      byParams.computeIfAbsent(key.toString().trim(), x -> new TreeMap<>()).put(method, best);
    }
    System.out.println();
    System.out.println("kernel / bound, fastest iteration of each (same run; 1.0 = at the bound)");
    for (var e : byParams.entrySet()) {
      for (String[] pair : PAIRS) {
        Double kernel = e.getValue().get(pair[0]);
        Double bound = e.getValue().get(pair[1]);
        if (kernel != null && bound != null) {
          System.out.printf("  %-15s %8.1f ms / %-15s %8.1f ms = %5.2f   [%s]%n",
              pair[0], kernel, pair[1], bound, kernel / bound, e.getKey());
        }
      }
    }
  }
}
