package dev.neghash.bench.harness;

import dev.neghash.bench.data.FashionData;
import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyRowWriter;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.mining.QualityReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the harness: prepares each data set on disk, runs every method in its own process (NegHash
 * methods as JVMs of {@link Worker}, FAISS through {@code bench/faiss_worker.py}), cross-checks
 * NegHash's Hamming lists against FAISS's, scores quality, and writes the report.
 *
 * <p>About 480 lines: one method per kind of peer (LSH, exact, FAISS flat and binary, HNSW,
 * random), each starting its process and turning its output into report rows; they share the
 * per-data-set state (anchor samples, budgets, files), which is why they stay in one class.
 */
final class Orchestrator {

  /** Facts about the run printed in the report. */
  record RunInfo(Map<String, String> facts, List<String> crossChecks, List<KernelRatio> kernels, double seconds) {}

  /**
   * One kernel timed back to back with the machine's bound for the same work ({@link
   * dev.neghash.bench.KernelBoundsBenchmark#measure}).
   *
   * @param bounds each bound's name and fastest time in ms
   * @param ratio median per-round kernel time over the faster bound's
   */
  record KernelRatio(String kernel, int bits, String data, int n, int anchors, double kernelMs,
      Map<String, Double> bounds, double ratio, double ratioMin, double ratioMax) {}

  private final Settings s;
  private final Path faissScript;
  private final PrintStream log;
  private final String javaBin;
  private final String classPath;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> checks = new ArrayList<>();
  private final List<KernelRatio> kernels = new ArrayList<>();
  private final Map<String, String> facts = new LinkedHashMap<>();
  private FashionData pixels;
  private Path work;

  Orchestrator(Settings s, Path faissScript, PrintStream log) {
    this.s = s;
    this.faissScript = faissScript;
    this.log = log;
    this.javaBin = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    this.classPath = System.getProperty("java.class.path");
  }

  /** Runs everything and writes the results; returns the rows. */
  List<Row> run() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(s.work());
    work = Files.createTempDirectory(s.work(), "neghash-bench-");
    try {
      facts.putAll(MachineInfo.describe());
      facts.put("kernel provider", KernelProviders.selection().provider().name());
      facts.put("methods", String.join(", ", Settings.METHODS.stream().filter(s::runs).toList()));
      if (Settings.HNSW_METHODS.stream().anyMatch(s::runs)) {
        facts.put("HNSW", String.format("M=%d, efConstruction=%d, ef=%d (Lucene %s; FAISS IndexHNSWFlat); "
                + "%,d searched anchors per data set (all where N is smaller), all-N time extrapolated; "
                + "skipped above N = %,d",
            s.hnswM(), s.hnswEfConstruction(), s.hnswEf(), org.apache.lucene.util.Version.LATEST, s.hnswQueries(),
            s.hnswMaxN()));
      }
      facts.put("threads", Integer.toString(s.threads()));
      facts.put("k", Integer.toString(s.k()));
      facts.put("seed", Long.toString(s.seed()));
      facts.put("mode", s.mode());
      facts.put("JVM heap caps", "per method process: 256 MiB + 1.5 x what the method must hold");
      facts.put("timing", (s.repeat() == 1 ? "one run per search"
          : String.format(java.util.Locale.ROOT, "fastest of up to %d runs per search (no repeat once %.0f s were spent)",
              s.repeat(), s.repeatSeconds()))
          + "; JVM methods after an untimed warm-up, each timed run on a collected heap");
      Properties py = python("info", List.of(), work.resolve("faiss-info"));
      facts.put("FAISS", py.getProperty("faiss_version") + " (numpy " + py.getProperty("numpy_version") + ")");
      facts.put("FAISS BLAS", py.getProperty("blas"));
      facts.put("FAISS OpenMP", s.threads() + " threads, OMP_WAIT_POLICY="
          + (s.ompWaitPolicy().isBlank() ? "(runtime default)" : s.ompWaitPolicy()));
      facts.put("Python + FAISS baseline RSS", mb(Long.parseLong(py.getProperty("rss_bytes"))));
      Properties jvm = java("noop", 64L << 20, List.of(), work.resolve("jvm-noop"));
      facts.put("JVM baseline RSS", mb(Long.parseLong(jvm.getProperty("rss_bytes"))));
      if (!s.note().isBlank()) {
        facts.put("note", s.note());
      }
      if (s.runs("kernels")) {
        runKernels();
      }
      for (DatasetSpec spec : s.datasets()) {
        runDataset(spec);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      RunInfo info = new RunInfo(facts, checks, kernels, seconds);
      List<String> plots = Plots.write(s, rows);
      Report.write(s, rows, info, plots);
      log.printf("done in %.0f s; results in %s%n", seconds, s.out());
      return rows;
    } finally {
      if (!s.keepWork()) {
        deleteTree(work);
      } else {
        log.println("kept working files in " + work);
      }
    }
  }

  /**
   * Times the Hamming search, the exact cosine search and the projection against the machine's
   * bounds in one JVM, on the Fashion-MNIST pixels when a Fashion-MNIST data set is in the run
   * (synthetic vectors of the same dimension otherwise).
   */
  private void runKernels() throws Exception {
    boolean quick = s.mode().equals("quick");
    DatasetSpec fashion = s.datasets().stream().filter(d -> d.kind() != DatasetSpec.Kind.SYNTHETIC).findFirst()
        .orElse(null);
    String data = fashion != null ? "fashion" : "synthetic";
    int n = fashion != null ? fashion.n() : quick ? 5_000 : 60_000;
    int anchors = Math.min(n, quick ? 1024 : 8192);
    int cosineAnchors = Math.min(n, quick ? 256 : 4096);
    String bits = String.join(",", Arrays.stream(s.bits()).mapToObj(Integer::toString).toList());
    long t = System.nanoTime();
    Properties p = java("kernels", 3L << 30, List.of("--data", data, "--n", Integer.toString(n),
        "--anchors", Integer.toString(anchors), "--cosine-anchors", Integer.toString(cosineAnchors),
        "--bits", bits, "--kernels", "hamming,cosine,project", "--rounds", quick ? "2" : "5",
        "--threads", Integer.toString(s.threads())), work.resolve("kernels"));
    int count = Integer.parseInt(p.getProperty("count"));
    for (int i = 0; i < count; i++) {
      String k = "kernel." + i + ".";
      Map<String, Double> bounds = new LinkedHashMap<>();
      for (String b : p.getProperty(k + "bounds").split(";")) {
        String[] kv = b.split("=", 2);
        bounds.put(kv[0], Double.parseDouble(kv[1]));
      }
      String kernel = p.getProperty(k + "name");
      kernels.add(new KernelRatio(kernel, Integer.parseInt(p.getProperty(k + "bits")), data, n,
          kernel.equals("hamming") ? anchors : kernel.equals("cosine") ? cosineAnchors : n,
          Double.parseDouble(p.getProperty(k + "kernel_ms")), bounds, Double.parseDouble(p.getProperty(k + "ratio")),
          Double.parseDouble(p.getProperty(k + "ratio_min")), Double.parseDouble(p.getProperty(k + "ratio_max"))));
    }
    log.printf("[kernels] %d kernels timed against their bounds in %.1f s%n", count, (System.nanoTime() - t) / 1e9);
  }

  private void runDataset(DatasetSpec spec0) throws Exception {
    Path dir = Files.createDirectories(work.resolve(spec0.name()));
    long tp = System.nanoTime();
    DatasetSpec spec = prepare(spec0, dir);
    log.printf("[%s] N=%d d=%d prepared in %.1f s%n", spec.name(), spec.n(), spec.d(), (System.nanoTime() - tp) / 1e9);
    int n = spec.n();
    int d = spec.d();
    int k = s.k();
    if (k >= n - 1) {
      throw new IllegalArgumentException("k = " + k + " needs more than " + (k + 1) + " items; " + spec.name() + " has " + n);
    }
    int mLsh = spec.allAnchors() ? n : anchors(s.lshPairs(), n, n);
    int mFb = anchors(s.faissBinaryPairs(), n, n);
    int mEx = spec.allAnchors() ? n : anchors(s.exactFma(), (double) n * d, n);
    int mFf = anchors(s.faissFlatFma(), (double) n * d, n);
    int mH = Math.min(n, Math.max(s.minAnchors(), s.hnswQueries()));
    boolean hnswHere = n <= s.hnswMaxN();
    boolean anyHnsw = Settings.HNSW_METHODS.stream().anyMatch(s::runs);
    int mQ = Math.min(s.qualityMax(), anchors(s.qualityPairs(), n, n));
    if (s.runs("lsh")) {
      mQ = Math.min(mQ, Math.min(mLsh, mFb));
    }
    if (s.runs("exact")) {
      mQ = Math.min(mQ, mEx);
    }
    if (s.runs("faiss-flat")) {
      mQ = Math.min(mQ, mFf);
    }
    if (anyHnsw && hnswHere) {
      mQ = Math.min(mQ, mH);
    }
    Path aLsh = anchorFile(dir, "lsh", n, mLsh);
    Path aFb = anchorFile(dir, "faiss-binary", n, mFb);
    Path aEx = anchorFile(dir, "exact", n, mEx);
    Path aFf = anchorFile(dir, "faiss-flat", n, mFf);
    Path aH = anchorFile(dir, "hnsw", n, mH);
    Path aQ = anchorFile(dir, "quality", n, mQ);
    int[] fbAnchors = NpyInts.read(aFb);
    int[] qAnchors = NpyInts.read(aQ);
    List<String> evalMethods = new ArrayList<>();
    Map<String, Integer> rowOf = new LinkedHashMap<>();

    if (s.runs("lsh")) {
      for (int b : s.bits()) {
        String name = "lsh-" + b;
        Properties p = java("lsh", heap(Math.min(512L << 20, 4L * b * n) + (long) n * (3 * b / 8 + 8)
                + (long) (mLsh + mFb) * k * 8),
            List.of("--data", dir.toString(), "--bits", Integer.toString(b), "--k", Integer.toString(k),
                "--threads", Integer.toString(s.threads()), "--seed", Long.toString(s.seed()),
                "--anchors", aLsh.toString(), "--self-anchors", aFb.toString(), "--keep", aQ.toString(),
                "--out", dir.toString(), "--name", name, "--repeat", Integer.toString(s.repeat()),
                "--repeat-seconds", Double.toString(s.repeatSeconds())),
            dir.resolve(name));
        double enc = num(p, "encode_s");
        long rss = (long) num(p, "rss_bytes");
        double bpi = num(p, "bytes_per_item");
        String spill = num(p, "spilled_bytes") > 0
            ? "; encoder spilled " + mb((long) num(p, "spilled_bytes")) + " of projections to disk" : "";
        rowOf.put("neghash-lsh-" + b, rows.size());
        rows.add(row(spec, "neghash-lsh", b, Rule.LABELS, num(p, "load_s"), enc, (int) num(p, "search_anchors"),
            num(p, "search_s"), fixedSeconds(p), rss, bpi, "kernel " + p.getProperty("provider") + spill));
        rowOf.put("neghash-lsh-self-" + b, rows.size());
        rows.add(row(spec, "neghash-lsh", b, Rule.SELF, num(p, "load_s"), enc, (int) num(p, "self_anchors"),
            num(p, "search_self_s"), rss, bpi, "same process as the labels row; same anchors as FAISS binary"));
        evalMethods.add(line("neghash-lsh-" + b, Rule.LABELS, dir.resolve(name + ".labels.ids.npy")));
        evalMethods.add(line("neghash-lsh-self-" + b, Rule.SELF, dir.resolve(name + ".selfkeep.ids.npy")));

        Path codes = dir.resolve(name + ".codes.npy");
        if (!s.runs("faiss-binary")) {
          if (!s.keepWork()) {
            Files.deleteIfExists(codes);
          }
          continue;
        }
        Properties f = python("binary", List.of("--data", codes.toString(), "--anchors", aFb.toString(),
            "--out", dir.resolve("faiss-binary-" + b).toString()), dir.resolve("faiss-binary-" + b));
        rowOf.put("faiss-binary-" + b, rows.size());
        rows.add(row(spec, "faiss-binary-flat", b, Rule.SELF, num(f, "load_s"), num(f, "build_s"),
            (int) num(f, "search_anchors"), num(f, "search_s"), (long) num(f, "rss_bytes"), num(f, "bytes_per_item"),
            "IndexBinaryFlat over NegHash's codes; encode column is index.add"));
        int[] fIds = NpyInts.read(dir.resolve("faiss-binary-" + b + ".ids.npy"));
        int[] fDist = NpyInts.read(dir.resolve("faiss-binary-" + b + ".dist.npy"));
        int[] nIds = NpyInts.read(dir.resolve(name + ".self.ids.npy"));
        int[] nDist = NpyInts.read(dir.resolve(name + ".self.dist.npy"));
        CrossCheck.compare(spec.name() + " b=" + b, fbAnchors, k, nIds, nDist, fIds, fDist);
        String ok = String.format("%s, b=%d: NegHash's Hamming top-%d distances equal FAISS IndexBinaryFlat's for all %d anchors",
            spec.name(), b, k, fbAnchors.length);
        checks.add(ok);
        log.println("  cross-check ok: " + ok);
        Path fKeep = dir.resolve("faiss-binary-" + b + ".keep.ids.npy");
        NpyInts.write(fKeep, dropSelf(fIds, k, fbAnchors, qAnchors));
        evalMethods.add(line("faiss-binary-" + b, Rule.SELF, fKeep));
        if (!s.keepWork()) {
          Files.deleteIfExists(codes);
        }
      }

    }

    if (s.runs("exact")) {
      // The floats, the unit-length copy the engine searches and the kernel's interleaved copy of
      // it; each search makes its copies anew, so the heap is fixed (the worker collects before
      // each timed search, and the copies go where the last ones were).
      Properties e = java("exact", heap(3L * n * d * 4 + (long) mEx * (d * 4 + k * 8)), true,
          List.of("--data", dir.toString(), "--k", Integer.toString(k), "--threads", Integer.toString(s.threads()),
              "--anchors", aEx.toString(), "--keep", aQ.toString(), "--out", dir.toString(), "--name", "exact",
              "--repeat", Integer.toString(s.repeat()), "--repeat-seconds", Double.toString(s.repeatSeconds())),
          dir.resolve("exact"));
      rowOf.put("neghash-exact", rows.size());
      rows.add(row(spec, "neghash-exact", 0, Rule.LABELS, num(e, "load_s"), 0, (int) num(e, "search_anchors"),
          num(e, "search_s"), fixedSeconds(e), (long) num(e, "rss_bytes"), num(e, "bytes_per_item"),
          "kernel " + e.getProperty("provider")));
      evalMethods.add(line("neghash-exact", Rule.LABELS, dir.resolve("exact.labels.ids.npy")));
    }

    if (s.runs("faiss-flat")) {
      Properties ff = python("flat", List.of("--data", dir.resolve("x.npy").toString(), "--anchors", aFf.toString(),
          "--out", dir.resolve("faiss-flat").toString()), dir.resolve("faiss-flat"));
      rowOf.put("faiss-flat-ip", rows.size());
      rows.add(row(spec, "faiss-flat-ip", 0, Rule.SELF, num(ff, "load_s"), num(ff, "build_s"),
          (int) num(ff, "search_anchors"), num(ff, "search_s"), (long) num(ff, "rss_bytes"), num(ff, "bytes_per_item"),
          "IndexFlatIP over the unit floats; encode column is index.add"));
      Path ffKeep = dir.resolve("faiss-flat.keep.ids.npy");
      NpyInts.write(ffKeep, dropSelf(NpyInts.read(dir.resolve("faiss-flat.ids.npy")), k, NpyInts.read(aFf), qAnchors));
      evalMethods.add(line("faiss-flat-ip", Rule.SELF, ffKeep));
    }

    if (anyHnsw && !hnswHere) {
      String skip = String.format("%s: HNSW methods skipped (N = %,d > --hnsw-max-n %,d)", spec.name(), n, s.hnswMaxN());
      facts.merge("skipped", skip, (x, y) -> x + "; " + y);
      log.println("  " + skip);
    }
    if (hnswHere) {
      for (String hm : List.of("lucene-hnsw", "lucene-hnsw-bq")) {
        if (!s.runs(hm)) {
          continue;
        }
        boolean bq = hm.endsWith("-bq");
        Properties h = java("hnsw", heap(2L * n * d * 4 + 1024L * n + (long) mH * k * 4),
            List.of("--data", dir.toString(), "--bq", Boolean.toString(bq), "--k", Integer.toString(k),
                "--m", Integer.toString(s.hnswM()), "--ef-construction", Integer.toString(s.hnswEfConstruction()),
                "--ef", Integer.toString(s.hnswEf()), "--threads", Integer.toString(s.threads()),
                "--anchors", aH.toString(), "--keep", aQ.toString(), "--out", dir.toString(), "--name", hm,
                "--repeat", Integer.toString(s.repeat()), "--repeat-seconds", Double.toString(s.repeatSeconds())),
            dir.resolve(hm));
        rowOf.put(hm, rows.size());
        rows.add(row(spec, hm, 0, Rule.LABELS, num(h, "load_s"), num(h, "encode_s"), (int) num(h, "search_anchors"),
            num(h, "search_s"), (long) num(h, "rss_bytes"), num(h, "bytes_per_item"),
            String.format(java.util.Locale.ROOT, "Lucene %s %s, M=%d, beamWidth=%d, ef=%d; label filter inside "
                    + "the graph search, %d search threads; %.0f nodes visited per query; encode column is the index "
                    + "build (one thread: Lucene inserts into the graph as documents are added)%s",
                org.apache.lucene.util.Version.LATEST,
                bq ? "Lucene102HnswBinaryQuantizedVectorsFormat (graph searched on 1-bit vectors, no float re-ranking)"
                    : "Lucene99HnswVectorsFormat (float32)",
                s.hnswM(), s.hnswEfConstruction(), s.hnswEf(), s.threads(), num(h, "visited_per_query"),
                " (B/item: index files on disk)")));
        evalMethods.add(line(hm, Rule.LABELS, dir.resolve(hm + ".labels.ids.npy")));
      }
      if (s.runs("faiss-hnsw")) {
        Properties fh = python("hnsw", List.of("--data", dir.resolve("x.npy").toString(),
            "--labels", dir.resolve("labels.npy").toString(), "--anchors", aH.toString(),
            "--m", Integer.toString(s.hnswM()), "--ef-construction", Integer.toString(s.hnswEfConstruction()),
            "--ef", Integer.toString(s.hnswEf()), "--out", dir.resolve("faiss-hnsw").toString()),
            dir.resolve("faiss-hnsw"));
        rowOf.put("faiss-hnsw", rows.size());
        rows.add(row(spec, "faiss-hnsw", 0, Rule.LABELS, num(fh, "load_s"), num(fh, "build_s"),
            (int) num(fh, "search_anchors"), num(fh, "search_s"), (long) num(fh, "rss_bytes"),
            num(fh, "bytes_per_item"),
            String.format(java.util.Locale.ROOT, "IndexHNSWFlat (inner product), M=%d, efConstruction=%d, "
                    + "efSearch=max(%d, k'); labels by over-fetching k' = 2k, doubled for anchors left short: "
                    + "%d rounds, mean k' %.0f, max k' %d; encode column is index.add (%d OpenMP threads)",
                s.hnswM(), s.hnswEfConstruction(), s.hnswEf(), (int) num(fh, "rounds"), num(fh, "mean_fetched"),
                (int) num(fh, "max_fetched"), s.threads())));
        Path fhKeep = dir.resolve("faiss-hnsw.keep.ids.npy");
        NpyInts.write(fhKeep, Searches.rowsOf(NpyInts.read(dir.resolve("faiss-hnsw.ids.npy")), k, NpyInts.read(aH),
            qAnchors));
        evalMethods.add(line("faiss-hnsw", Rule.LABELS, fhKeep));
      }
    }

    if (s.runs("random")) {
      Properties r = java("random", heap((long) n * (8 + 4L * s.threads())),
          List.of("--data", dir.toString(), "--k", Integer.toString(k), "--threads", Integer.toString(s.threads()),
              "--seed", Long.toString(s.seed()), "--keep", aQ.toString(), "--out", dir.toString(), "--name", "random"),
          dir.resolve("random"));
      rowOf.put("random", rows.size());
      rows.add(row(spec, "random", 0, Rule.LABELS, 0, 0, (int) num(r, "search_anchors"), num(r, "search_s"),
          (long) num(r, "rss_bytes"), num(r, "bytes_per_item"), "uniform draw among other-label items"));
      evalMethods.add(line("random", Rule.LABELS, dir.resolve("random.labels.ids.npy")));
    }

    if (evalMethods.isEmpty()) {
      if (!s.keepWork()) {
        deleteTree(dir);
      }
      return;
    }
    Path methods = dir.resolve("methods.tsv");
    Files.write(methods, evalMethods);
    Properties q = java("eval", heap((long) n * d * 4
            + (long) s.threads() * ((long) (mQ + d) * QualityEval.BLOCK * 4 + 24L * evalMethods.size() * mQ * (k + 1))),
        List.of("--data", dir.toString(), "--k", Integer.toString(k), "--threads", Integer.toString(s.threads()),
            "--negatives", Integer.toString(s.negatives()), "--keep", aQ.toString(), "--methods", methods.toString()),
        dir.resolve("eval"));
    for (Map.Entry<String, Integer> m : rowOf.entrySet()) {
      String key = m.getKey();
      Row old = rows.get(m.getValue());
      rows.set(m.getValue(), old.withQuality(qAnchors.length, num(q, key + ".overlap"), num(q, key + ".posdist"),
          num(q, key + ".negshare")));
    }
    log.printf("[%s] quality of %d methods on %d anchors in %.1f s%n", spec.name(), rowOf.size(), qAnchors.length,
        num(q, "eval_s"));
    for (int i = rows.size() - rowOf.size(); i < rows.size(); i++) {
      Row x = rows.get(i);
      log.printf("  %-18s b=%-4d %-6s encode %7.2f s  search %8.2f s (%d anchors%s)  rss %s  overlap %.3f%n",
          x.method(), x.bits(), x.rule(), x.encodeSeconds(), x.searchSeconds(), x.searchAnchors(),
          x.extrapolated() ? String.format(", all %.1f s extrapolated", x.searchAllSeconds()) : "",
          mb(x.peakRssBytes()), x.overlap());
    }
    if (!s.keepWork()) {
      deleteTree(dir);
    }
  }

  private DatasetSpec prepare(DatasetSpec spec, Path dir) throws IOException {
    Path x = dir.resolve("x.npy");
    Path labels = dir.resolve("labels.npy");
    switch (spec.kind()) {
      case FASHION_PIXELS, FASHION_PCA -> {
        if (pixels == null || pixels.n() != spec.n()) {
          pixels = FashionData.pixels(spec.n());
        }
        FashionData f = spec.kind() == DatasetSpec.Kind.FASHION_PIXELS
            ? pixels : pixels.pca(spec.d(), KernelProviders.get(), s.threads());
        Npy.writeFloat32(x, f.x(), f.n(), f.d());
        NpyInts.write(labels, f.labels());
        return new DatasetSpec(spec.name(), spec.kind(), f.n(), f.d(), spec.allAnchors());
      }
      case SYNTHETIC -> {
        SyntheticEmbeddings g = new SyntheticEmbeddings(spec.n(), spec.d(), s.seed());
        int chunk = 16384;
        float[] buf = new float[chunk * spec.d()];
        try (NpyRowWriter w = NpyRowWriter.float32(x, spec.n(), spec.d())) {
          for (int from = 0; from < spec.n(); from += chunk) {
            int to = Math.min(spec.n(), from + chunk);
            g.rows(from, to, buf, s.threads());
            w.append(to - from == chunk ? buf : Arrays.copyOf(buf, (to - from) * spec.d()));
          }
          w.commit();
        }
        NpyInts.write(labels, g.labels());
        return spec;
      }
      default -> throw new IllegalStateException();
    }
  }

  /** Anchors a budget pays for: {@code ceil(budget / perAnchor)}, within [min, n]. */
  private int anchors(double budget, double perAnchor, int n) {
    long m = (long) Math.ceil(budget / perAnchor);
    return (int) Math.min(n, Math.max(Math.min(n, s.minAnchors()), m));
  }

  private Path anchorFile(Path dir, String what, int n, int m) throws IOException {
    Path p = dir.resolve("anchors-" + what + ".npy");
    NpyInts.write(p, QualityReport.sampleAnchors(n, m, s.seed()));
    return p;
  }

  /**
   * FAISS rows (k+1 ids, anchor included) of the quality anchors, as k ids without the anchor
   * (or without the last id where FAISS returned duplicates of the anchor instead of itself).
   */
  static int[] dropSelf(int[] ids, int k, int[] anchors, int[] keep) {
    int k1 = k + 1;
    int[] out = new int[keep.length * k];
    for (int i = 0; i < keep.length; i++) {
      int r = Arrays.binarySearch(anchors, keep[i]);
      if (r < 0) {
        throw new IllegalStateException("quality anchor " + keep[i] + " was not searched by FAISS");
      }
      int o = 0;
      boolean dropped = false;
      for (int j = 0; j < k1 && o < k; j++) {
        int id = ids[r * k1 + j];
        if (!dropped && id == keep[i]) {
          dropped = true;
          continue;
        }
        out[i * k + o++] = id;
      }
    }
    return out;
  }

  private Row row(DatasetSpec spec, String method, int bits, Rule rule, double load, double encode, int anchors,
      double search, long rss, double bytesPerItem, String note) {
    return row(spec, method, bits, rule, load, encode, anchors, search, 0, rss, bytesPerItem, note);
  }

  /**
   * A row whose all-N search time counts {@code fixed} seconds once ({@link Row#extrapolate}): a
   * NegHash worker's one-anchor search of all candidates, where the search was sampled.
   */
  private Row row(DatasetSpec spec, String method, int bits, Rule rule, double load, double encode, int anchors,
      double search, double fixed, long rss, double bytesPerItem, String note) {
    double all = Row.extrapolate(spec.n(), anchors, search, fixed);
    if (anchors < spec.n() && fixed > 0) {
      note += String.format(java.util.Locale.ROOT,
          "; all-N time counts once the %.2f s of a one-anchor search (the candidates' layout)", fixed);
    }
    return new Row(spec.name(), spec.n(), spec.d(), method, bits, rule.id(), s.threads(), load, encode, anchors,
        search, all, rss, bytesPerItem, 0, Double.NaN, Double.NaN, Double.NaN, note);
  }

  /**
   * The heap cap of a worker JVM: what the method must hold (its data, copies and results) with
   * 50% headroom, plus 256 MiB. Caps follow need, so a worker's RSS reflects its method rather
   * than a generous default heap the collector is free to fill.
   */
  static long heap(long needBytes) {
    return (256L << 20) + needBytes * 3 / 2;
  }

  private static String line(String name, Rule rule, Path ids) {
    return name + "\t" + rule.id() + "\t" + ids;
  }

  private Properties java(String mode, long heapBytes, List<String> args, Path prefix) throws Exception {
    return java(mode, heapBytes, false, args, prefix);
  }

  /**
   * A worker JVM; with {@code fixedHeap} its heap is sized to the cap from the start, so a
   * collection never hands memory back to the system for a later search to touch afresh.
   */
  private Properties java(String mode, long heapBytes, boolean fixedHeap, List<String> args, Path prefix)
      throws Exception {
    long heapMb = Math.max(256, (heapBytes >> 20) + 1);
    List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules=jdk.incubator.vector",
        "-Xmx" + heapMb + "m", "-Djava.awt.headless=true", "-cp", classPath, Worker.class.getName(), mode));
    if (fixedHeap) {
      cmd.add(2, "-Xms" + heapMb + "m");
    }
    cmd.addAll(args);
    cmd.addAll(List.of("--props", prefix + ".props"));
    return child(mode, cmd, Map.of(), prefix);
  }

  private Properties python(String mode, List<String> args, Path prefix) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(s.python(), faissScript.toString(), mode,
        "--k", Integer.toString(s.k()), "--threads", Integer.toString(s.threads()),
        "--repeat", Integer.toString(s.repeat()), "--repeat-seconds", Double.toString(s.repeatSeconds())));
    cmd.addAll(args);
    cmd.addAll(List.of("--props", prefix + ".props"));
    String t = Integer.toString(s.threads());
    Map<String, String> env = new LinkedHashMap<>(Map.of("OMP_NUM_THREADS", t, "OPENBLAS_NUM_THREADS", t,
        "MKL_NUM_THREADS", t));
    if (!s.ompWaitPolicy().isBlank()) {
      env.put("OMP_WAIT_POLICY", s.ompWaitPolicy());
    }
    return child("faiss " + mode, cmd, env, prefix);
  }

  private Properties child(String what, List<String> cmd, Map<String, String> env, Path prefix) throws Exception {
    Path logFile = Path.of(prefix + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(s.childTimeoutMinutes(), TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(what + " did not finish within " + s.childTimeoutMinutes() + " minutes: "
          + String.join(" ", cmd));
    }
    if (p.exitValue() != 0) {
      List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
      throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ":\n" + tail
          + "\ncommand: " + String.join(" ", cmd));
    }
    log.printf("  %-16s %6.1f s%n", prefix.getFileName(), (System.nanoTime() - t0) / 1e9);
    return PropsFile.read(Path.of(prefix + ".props"));
  }

  private static double num(Properties p, String key) {
    return PropsFile.num(p, key);
  }

  /** A NegHash worker's one-anchor search time ({@code search_fixed_s}); 0 where it searched all anchors. */
  private static double fixedSeconds(Properties p) {
    return p.getProperty("search_fixed_s") == null ? 0 : num(p, "search_fixed_s");
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.0f MB", bytes / 1e6);
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
