package dev.neghash.bench.harness;

import dev.neghash.bench.harness.DatasetSpec.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The side-by-side benchmark: NegHash LSH mining at several code lengths, NegHash exact cosine
 * mining, FAISS IndexBinaryFlat on NegHash's codes, FAISS IndexFlatIP on the floats, and random
 * negatives, on Fashion-MNIST (pixels and PCA) and seeded synthetic embeddings of growing size.
 * Started by {@code bench/run}; writes {@code results.md}, {@code results.csv} and PNG plots.
 */
@Command(
    name = "bench/run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs NegHash against exact mining and FAISS side by side and writes results.md, results.csv and PNG plots.",
      "Exit codes: 0 done, 1 error, 2 bad arguments, 3 NegHash and FAISS disagree on the same codes."
    })
public final class Harness implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--quick", description = "Small data and budgets (CI smoke test, under 2 minutes on 2 cores).")
  boolean quick;

  @Option(names = "--out", description = "Output directory (default: bench/results, or bench/results/quick with --quick).")
  Path out;

  @Option(names = "--threads", description = "Threads for every method (default: all cores).")
  int threads;

  @Option(names = "--k", description = "Neighbours per anchor (default: 128, the paper's; 32 with --quick).")
  Integer k;

  @Option(names = "--bits", split = ",", description = "Code lengths (default: 128,256,512,1024; 128,512 with --quick).")
  int[] bits;

  @Option(names = "--datasets", split = ",",
      description = "Data sets to run: fashion-pixels, fashion-pca, synthetic (default: all).",
      defaultValue = "fashion-pixels,fashion-pca,synthetic")
  List<String> datasets;

  @Option(names = "--sizes", split = ",",
      description = "Synthetic N values (default: 10000,30000,100000,300000,1000000; 5000,10000 with --quick).")
  int[] sizes;

  @Option(names = "--fashion-limit", description = "Fashion-MNIST images used (default: 60000; 5000 with --quick).")
  Integer fashionLimit;

  @Option(names = "--pca-dims", description = "Dimensions of the PCA data set (default: ${DEFAULT-VALUE}).", defaultValue = "128")
  int pcaDims;

  @Option(names = "--synthetic-dims", description = "Dimension of the synthetic data (default: ${DEFAULT-VALUE}).", defaultValue = "768")
  int syntheticDims;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data, projections, samples (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--negatives", defaultValue = "16",
      description = "Mined negatives per anchor scored by the share-in-exact-top-k measure (default: ${DEFAULT-VALUE}).")
  int negatives;

  @Option(names = "--methods", split = ",",
      description = "Methods to run: kernels (each kernel against the machine's bound), lsh, faiss-binary "
          + "(needs lsh), exact, faiss-flat, lucene-hnsw, lucene-hnsw-bq, faiss-hnsw, random; 'hnsw' for the "
          + "three HNSW methods, 'all' for everything (default: kernels,lsh,faiss-binary,exact,faiss-flat,random).")
  List<String> methods;

  @Option(names = "--hnsw-queries",
      description = "Anchors the HNSW methods search on each data set (a seeded sample; their all-N time is "
          + "extrapolated); default 10000, 1000 with --quick.")
  Integer hnswQueries;

  @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW links per node (default: ${DEFAULT-VALUE}).")
  int hnswM;

  @Option(names = "--hnsw-ef-construction", defaultValue = "100",
      description = "HNSW beam while building (default: ${DEFAULT-VALUE}).")
  int hnswEfConstruction;

  @Option(names = "--hnsw-ef", defaultValue = "0",
      description = "HNSW beam while searching, at least k (default: k).")
  int hnswEf;

  @Option(names = "--hnsw-max-n", defaultValue = "200000",
      description = "HNSW methods skip data sets with more items (default: ${DEFAULT-VALUE}).")
  int hnswMaxN;

  @Option(names = "--lsh-pairs", description = "Anchor x candidate budget of NegHash's Hamming search on synthetic data.")
  Double lshPairs;

  @Option(names = "--faiss-binary-pairs", description = "Anchor x candidate budget of FAISS IndexBinaryFlat (and the NegHash search it is compared with).")
  Double faissBinaryPairs;

  @Option(names = "--exact-fma", description = "Multiply-add budget of NegHash's exact search on synthetic data.")
  Double exactFma;

  @Option(names = "--faiss-flat-fma", description = "Multiply-add budget of FAISS IndexFlatIP.")
  Double faissFlatFma;

  @Option(names = "--quality-pairs", description = "Anchor x candidate budget of the quality evaluation.")
  Double qualityPairs;

  @Option(names = "--quality-max", description = "Most anchors scored for quality.")
  Integer qualityMax;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with FAISS (default: ${DEFAULT-VALUE}).")
  String python;

  @Option(names = "--faiss-script", defaultValue = "bench/faiss_worker.py", description = "The FAISS worker script.")
  Path faissScript;

  @Option(names = "--work", description = "Where the temporary working directory goes (default: the system temp dir).")
  Path work;

  @Option(names = "--keep-work", description = "Keep the working directory (data, codes, lists).")
  boolean keepWork;

  @Option(names = "--note", defaultValue = "", description = "Text printed in the report, e.g. that the machine was shared.")
  String note;

  @Option(names = "--child-timeout-minutes", defaultValue = "30", description = "Limit per method process.")
  int childTimeoutMinutes;

  @Option(names = "--omp-wait-policy", defaultValue = "PASSIVE",
      description = "OMP_WAIT_POLICY for FAISS (default: ${DEFAULT-VALUE}: idle OpenMP threads sleep instead of "
          + "spinning, which keeps FAISS from slowing itself down on a busy machine; empty for the runtime's default).")
  String ompWaitPolicy;

  @Option(names = "--repeat",
      description = "Most runs of every timed search (NegHash and FAISS alike); the fastest is reported (default: 3; 1 with --quick).")
  Integer repeat;

  @Option(names = "--repeat-seconds", defaultValue = "10",
      description = "No further run of a search once it has spent this many seconds, so long searches run once (default: ${DEFAULT-VALUE}).")
  double repeatSeconds;

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Harness()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Settings s = settings();
    if (!Files.isRegularFile(faissScript)) {
      System.err.println("bench: FAISS worker script not found: " + faissScript);
      return 2;
    }
    try {
      new Orchestrator(s, faissScript.toAbsolutePath(), System.out).run();
      return 0;
    } catch (CrossCheck.Mismatch e) {
      System.err.println("CROSS-CHECK FAILED: NegHash and FAISS IndexBinaryFlat disagree on the same codes.");
      System.err.println(e.getMessage());
      return 3;
    }
  }

  Settings settings() {
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    int kk = k != null ? k : quick ? 32 : 128;
    int[] ns = sizes != null ? sizes : quick ? new int[] {5_000, 10_000} : new int[] {10_000, 30_000, 100_000, 300_000, 1_000_000};
    int fl = Math.min(60_000, fashionLimit != null ? fashionLimit : quick ? 5_000 : 60_000);
    Set<String> known = Set.of("fashion-pixels", "fashion-pca", "synthetic");
    for (String d : datasets) {
      if (!known.contains(d)) {
        throw new CommandLine.ParameterException(commandLine(), "unknown data set '" + d + "'; use " + known);
      }
    }
    int[] bs = bits != null ? bits : quick ? new int[] {128, 512} : new int[] {128, 256, 512, 1024};
    for (int b : bs) {
      if (b < 64 || b > 4096 || b % 64 != 0) {
        throw new CommandLine.ParameterException(commandLine(), "bits must be multiples of 64 in [64, 4096], got " + b);
      }
    }
    Set<String> ms = new LinkedHashSet<>();
    for (String m : methods != null ? methods : Settings.DEFAULT_METHODS) {
      switch (m) {
        case "all" -> ms.addAll(Settings.METHODS);
        case "hnsw" -> ms.addAll(Settings.HNSW_METHODS);
        default -> {
          if (!Settings.METHODS.contains(m)) {
            throw new CommandLine.ParameterException(commandLine(), "unknown method '" + m + "'; use "
                + Settings.METHODS + ", hnsw or all");
          }
          ms.add(m);
        }
      }
    }
    if (ms.contains("faiss-binary") && !ms.contains("lsh")) {
      throw new CommandLine.ParameterException(commandLine(), "faiss-binary searches NegHash's codes: add lsh");
    }
    Set<String> ordered = new LinkedHashSet<>(Settings.METHODS);
    ordered.retainAll(ms);
    List<DatasetSpec> specs = new ArrayList<>();
    if (datasets.contains("fashion-pixels")) {
      specs.add(new DatasetSpec("fashion-pixels", Kind.FASHION_PIXELS, fl, 784, true));
    }
    if (datasets.contains("fashion-pca")) {
      specs.add(new DatasetSpec("fashion-pca" + pcaDims, Kind.FASHION_PCA, fl, pcaDims, true));
    }
    if (datasets.contains("synthetic")) {
      for (int n : ns) {
        specs.add(new DatasetSpec("synthetic-" + n, Kind.SYNTHETIC, n, syntheticDims, false));
      }
    }
    int[] sortedBits = bs.clone();
    Arrays.sort(sortedBits);
    Path o = out != null ? out : quick ? Path.of("bench", "results", "quick") : Path.of("bench", "results");
    return new Settings(
        o, work != null ? work : Path.of(System.getProperty("java.io.tmpdir")), keepWork,
        quick ? "quick" : "default", t, kk, sortedBits, seed, negatives, python,
        or(lshPairs, quick ? 1e9 : 4e9),
        or(faissBinaryPairs, quick ? 2e7 : 1.5e8),
        or(exactFma, quick ? 2e10 : 2e11),
        or(faissFlatFma, quick ? 2e10 : 3e11),
        or(qualityPairs, quick ? 1e7 : 1e8),
        qualityMax != null ? qualityMax : quick ? 200 : 1000,
        64, specs, note, childTimeoutMinutes, Math.max(1, repeat != null ? repeat : quick ? 1 : 3), repeatSeconds,
        ompWaitPolicy, Set.copyOf(ordered), hnswQueries != null ? hnswQueries : quick ? 1000 : 10_000,
        hnswM, hnswEfConstruction, Math.max(kk, hnswEf), hnswMaxN);
  }

  private CommandLine commandLine() {
    return spec != null ? spec.commandLine() : new CommandLine(this);
  }

  private static double or(Double v, double d) {
    return v != null ? v : d;
  }
}
