package dev.neghash.bench.harness;

import dev.neghash.bench.KernelBoundsBenchmark;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One method of the harness in its own JVM, so that its peak RSS is its own: {@code noop} (JVM
 * baseline), {@code lsh} (NegHash encode + Hamming search), {@code exact} (NegHash exact cosine
 * search), {@code hnsw} (Apache Lucene's HNSW graph: build + label-filtered search, see {@link
 * LuceneHnsw}), {@code random} (random negatives), {@code eval} (quality of every method's lists)
 * and {@code kernels} (each kernel timed against the machine's bound, {@link
 * KernelBoundsBenchmark#measure}).
 * Arguments are {@code --key value} pairs; results go to the {@code --props} file.
 *
 * <p>Every timed search is preceded by an untimed warm-up search of a few anchors against a
 * subset of candidates, so the timings are of compiled code, as in a long-running trainer, and
 * each timed run starts on a collected heap ({@link WorkerArgs#timed}).
 */
public final class Worker {

  private Worker() {}

  /** Runs the mode in {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: Worker noop|lsh|exact|hnsw|random|eval|kernels --key value ...");
    }
    Map<String, String> a = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    WorkerArgs in = new WorkerArgs(a);
    Properties out = new Properties();
    KernelProvider kp = KernelProviders.get();
    out.setProperty("provider", kp.name());
    switch (args[0]) {
      case "noop" -> { }
      case "lsh" -> lsh(in, kp, out);
      case "exact" -> exact(in, kp, out);
      case "hnsw" -> hnsw(in, out);
      case "random" -> random(in, out);
      case "eval" -> eval(in, kp, out);
      case "kernels" -> kernels(in, out);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    out.setProperty("rss_bytes", Long.toString(ProcStatus.peakRssBytes()));
    PropsFile.write(in.path("props"), out);
  }

  private static void kernels(WorkerArgs a, Properties out) {
    int[] bits = Arrays.stream(a.string("bits").split(",")).mapToInt(Integer::parseInt).toArray();
    List<KernelBoundsBenchmark.Paired> ps = KernelBoundsBenchmark.measure(a.string("data"), a.integer("n"),
        a.integer("anchors"), a.integer("cosine-anchors"), bits, List.of(a.string("kernels").split(",")),
        a.integer("rounds"), a.integer("threads"));
    out.setProperty("count", Integer.toString(ps.size()));
    for (int i = 0; i < ps.size(); i++) {
      KernelBoundsBenchmark.Paired p = ps.get(i);
      String k = "kernel." + i + ".";
      out.setProperty(k + "name", p.kernel());
      out.setProperty(k + "bits", Integer.toString(p.bits()));
      out.setProperty(k + "kernel_ms", Double.toString(p.kernelMs()));
      StringBuilder b = new StringBuilder();
      p.bounds().forEach((name, ms) -> b.append(b.isEmpty() ? "" : ";").append(name).append('=').append(ms));
      out.setProperty(k + "bounds", b.toString());
      out.setProperty(k + "ratio", Double.toString(p.ratio()));
      out.setProperty(k + "ratio_min", Double.toString(p.ratioMin()));
      out.setProperty(k + "ratio_max", Double.toString(p.ratioMax()));
    }
  }

  private static void lsh(WorkerArgs a, KernelProvider kp, Properties out) throws IOException {
    int bits = a.integer("bits");
    int k = a.integer("k");
    int threads = a.integer("threads");
    long seed = a.seed();
    int[] labels = a.labels();
    int[] anchors = a.ints("anchors");
    int[] selfAnchors = a.ints("self-anchors");
    int[] keep = a.ints("keep");

    warmUpEncoder(a.data("x.npy"), bits, seed, threads, kp);
    long t0 = System.nanoTime();
    Encoder.Encoded e;
    try (InputStream in = Files.newInputStream(a.data("x.npy"));
        Npy.FloatRowReader r = new Npy.FloatRowReader(in)) {
      Encoder enc = new Encoder(r.cols(), Encoder.Options.of(bits, seed).withThreads(threads), kp);
      int chunk = 8192;
      float[] buf = new float[chunk * r.cols()];
      try (Encoder.Session s = enc.begin(Progress.NONE)) {
        int m;
        while ((m = r.next(buf, chunk)) > 0) {
          s.add(buf, m);
        }
        e = s.finish();
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    PackedCodes codes = e.codes();
    double encode = e.projectSeconds() + e.binarizeSeconds();
    out.setProperty("encode_s", Double.toString(encode));
    out.setProperty("load_s", Double.toString(Math.max(0, wall - encode)));
    out.setProperty("spilled_bytes", Long.toString(e.spilledBytes()));
    out.setProperty("bytes_per_item", Double.toString(codes.words().length * 8.0 / codes.n()));
    Npy.writeUint8(a.output(".codes.npy"), codes.toBytes(), codes.n(), bits / 8);

    warmUpHamming(codes, labels, k, threads, kp);
    if (anchors.length < codes.n()) {
      int[] one = {anchors[0]};
      fixedSeconds(a, out, () -> Searches.hamming(codes, one, Rule.LABELS, labels, k, threads, kp));
    }
    WorkerArgs.Timed<Neighbours> nl = a.timed(() -> Searches.hamming(codes, anchors, Rule.LABELS, labels, k, threads, kp));
    out.setProperty("search_s", Double.toString(nl.seconds()));
    out.setProperty("search_anchors", Integer.toString(anchors.length));
    NpyInts.write(a.output(".labels.ids.npy"), Searches.rowsOf(nl.result().ids(), k, anchors, keep));

    WorkerArgs.Timed<Neighbours> ts = a.timed(() -> Searches.hamming(codes, selfAnchors, Rule.SELF, labels, k, threads, kp));
    Neighbours ns = ts.result();
    out.setProperty("search_self_s", Double.toString(ts.seconds()));
    out.setProperty("self_anchors", Integer.toString(selfAnchors.length));
    NpyInts.write(a.output(".self.ids.npy"), ns.ids());
    NpyInts.write(a.output(".self.dist.npy"), ns.hamming());
    NpyInts.write(a.output(".selfkeep.ids.npy"), Searches.rowsOf(ns.ids(), k, selfAnchors, keep));
  }

  /** Encodes the first rows once, untimed, so the timed encoding runs compiled kernels. */
  private static void warmUpEncoder(Path x, int bits, long seed, int threads, KernelProvider kp) throws IOException {
    try (InputStream in = Files.newInputStream(x); Npy.FloatRowReader r = new Npy.FloatRowReader(in)) {
      float[] buf = new float[4096 * r.cols()];
      int m = r.next(buf, 4096);
      new Encoder(r.cols(), Encoder.Options.of(bits, seed).withThreads(threads), kp).encode(buf, m);
    }
  }

  /** Searches a few anchors against a subset, untimed, with both rules the timed searches use. */
  private static void warmUpHamming(PackedCodes codes, int[] labels, int k, int threads, KernelProvider kp) {
    int nc = Math.min(codes.n(), 20_000);
    if (nc <= k + 1) {
      return;
    }
    PackedCodes c = codes.slice(0, nc);
    int[] l = Arrays.copyOf(labels, nc);
    int[] anchors = new int[Math.min(nc, 256)];
    Arrays.setAll(anchors, i -> i);
    Searches.hamming(c, anchors, Rule.LABELS, l, k, threads, kp);
    Searches.hamming(c, anchors, Rule.SELF, l, k, threads, kp);
  }

  private static void exact(WorkerArgs a, KernelProvider kp, Properties out) throws IOException {
    int k = a.integer("k");
    int threads = a.integer("threads");
    Floats f = Floats.load(a, out);
    int d = f.d();
    out.setProperty("bytes_per_item", Double.toString(4.0 * d));

    int nc = Math.min(f.n(), 20_000);
    if (nc > k + 1) {
      int[] wa = new int[Math.min(nc, 64)];
      Arrays.setAll(wa, i -> i);
      Searches.cosine(Arrays.copyOf(f.x(), nc * d), nc, d, wa, Rule.LABELS, Arrays.copyOf(f.labels(), nc), k, threads, kp);
    }
    if (f.anchors().length < f.n()) {
      int[] one = {f.anchors()[0]};
      fixedSeconds(a, out, () -> Searches.cosine(f.x(), f.n(), d, one, Rule.LABELS, f.labels(), k, threads, kp));
    }
    WorkerArgs.Timed<Neighbours> nb = a.timed(() -> Searches.cosine(f.x(), f.n(), d, f.anchors(), Rule.LABELS, f.labels(), k, threads, kp));
    f.writeLists(a, out, nb.seconds(), nb.result().ids(), k);
  }

  /**
   * Times a one-anchor search of all candidates ({@code search_fixed_s}), what a sampled search
   * pays once whatever its anchors (laying out the candidates), so that the report scales only the
   * rest to all N anchors ({@link Row#extrapolate}). It runs once untimed first: the search
   * allocates copies of the candidates (at N = 10^6 exact: 6 GB), and on a 2-vCPU virtual machine
   * touching fresh memory for the first time took about 3 s per GB, which the first search of a
   * process paid and later ones, on a collected heap that had room for them ({@link
   * WorkerArgs#timed}), did not. After this, the timed searches run on memory the process has
   * touched, as the JIT warm-ups make them run compiled code.
   */
  private static void fixedSeconds(WorkerArgs a, Properties out, java.util.function.Supplier<Neighbours> one) {
    one.get();
    out.setProperty("search_fixed_s", Double.toString(a.timed(one).seconds()));
  }

  /**
   * Lucene HNSW: builds the index of all rows (timed once: a trainer rebuilds it every epoch, as
   * the embeddings move), then searches the anchors with the label filter.
   */
  private static void hnsw(WorkerArgs a, Properties out) throws IOException {
    boolean bq = Boolean.parseBoolean(a.string("bq"));
    int k = a.integer("k");
    int m = a.integer("m");
    int efConstruction = a.integer("ef-construction");
    int ef = a.integer("ef");
    int threads = a.integer("threads");
    Floats f = Floats.load(a, out);
    float[] x = f.x();
    int n = f.n();
    int d = f.d();

    // Untimed warm-up: a small index and a few searches, so the timed work runs compiled code.
    int nw = Math.min(n, 4096);
    if (nw > k + 1) {
      int[] wa = new int[Math.min(nw, 256)];
      Arrays.setAll(wa, i -> i);
      try (LuceneHnsw w = LuceneHnsw.build(Arrays.copyOf(x, nw * d), nw, d, bq, m, efConstruction,
          a.output(".warmup"))) {
        w.search(x, d, Arrays.copyOf(f.labels(), nw), wa, k, ef, threads);
      }
    }
    try (LuceneHnsw h = LuceneHnsw.build(x, n, d, bq, m, efConstruction, a.output(".index"))) {
      out.setProperty("encode_s", Double.toString(h.buildSeconds()));
      out.setProperty("bytes_per_item", Double.toString((double) h.indexBytes() / n));
      WorkerArgs.Timed<LuceneHnsw.Result> r = a.timed(() -> h.search(x, d, f.labels(), f.anchors(), k, ef, threads));
      f.writeLists(a, out, r.seconds(), r.result().ids(), k);
      out.setProperty("visited_per_query", Double.toString((double) r.result().visited() / f.anchors().length));
    }
  }

  private static void random(WorkerArgs a, Properties out) throws IOException {
    int k = a.integer("k");
    int threads = a.integer("threads");
    long seed = a.seed();
    int[] labels = a.labels();
    int[] keep = a.ints("keep");
    int n = labels.length;
    Map<Integer, Integer> perLabel = RandomNegatives.labelCounts(labels);
    long t0 = System.nanoTime();
    // Few large chunks: each allocates an n-int scratch once.
    int grain = Math.max(4096, (n + 4 * threads - 1) / (4 * threads));
    long[] checksum = new long[(n + grain - 1) / grain];
    Parallel.forRange(threads, n, grain, (from, to) -> {
      int[] buf = new int[k];
      int[] taken = new int[n];
      long sum = 0;
      for (int i = from; i < to; i++) {
        RandomNegatives.draw(i, labels, k, seed, n - perLabel.get(labels[i]), buf, 0, taken);
        sum += buf[0];
      }
      checksum[from / grain] = sum;
    });
    out.setProperty("search_s", Double.toString((System.nanoTime() - t0) / 1e9));
    out.setProperty("search_anchors", Integer.toString(n));
    out.setProperty("checksum", Long.toString(Arrays.stream(checksum).sum()));
    out.setProperty("bytes_per_item", "4");
    int[] rows = new int[keep.length * k];
    int[] taken = new int[n];
    for (int s = 0; s < keep.length; s++) {
      RandomNegatives.draw(keep[s], labels, k, seed, n - perLabel.get(labels[keep[s]]), rows, s * k, taken);
    }
    NpyInts.write(a.output(".labels.ids.npy"), rows);
  }

  private static void eval(WorkerArgs a, KernelProvider kp, Properties out) throws IOException {
    int k = a.integer("k");
    int threads = a.integer("threads");
    int negatives = a.integer("negatives");
    int[] labels = a.labels();
    int[] keep = a.ints("keep");
    int[] shape = new int[2];
    float[] x = Npy.readFloatMatrix(a.data("x.npy"), shape);
    List<QualityEval.Method> methods = new ArrayList<>();
    for (String line : Files.readAllLines(a.path("methods"))) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      methods.add(new QualityEval.Method(f[0], Rule.parse(f[1]), NpyInts.read(Path.of(f[2]))));
    }
    long t0 = System.nanoTime();
    List<QualityEval.Score> scores =
        QualityEval.evaluate(x, shape[0], shape[1], labels, keep, k, negatives, methods, threads, kp);
    out.setProperty("eval_s", Double.toString((System.nanoTime() - t0) / 1e9));
    out.setProperty("anchors", Integer.toString(keep.length));
    for (QualityEval.Score s : scores) {
      out.setProperty(s.name() + ".overlap", Double.toString(s.overlap()));
      out.setProperty(s.name() + ".posdist", Double.toString(s.meanPositionalDistance()));
      out.setProperty(s.name() + ".negshare", Double.toString(s.negativeShare()));
      out.setProperty(s.name() + ".listed", Long.toString(s.listed()));
    }
  }

  /** What the float-based methods read: labels, searched and kept anchors, and the rows (load time recorded). */
  private record Floats(int[] labels, int[] anchors, int[] keep, float[] x, int n, int d) {
    static Floats load(WorkerArgs a, Properties out) throws IOException {
      int[] labels = a.labels();
      int[] anchors = a.ints("anchors");
      int[] keep = a.ints("keep");
      long t0 = System.nanoTime();
      int[] shape = new int[2];
      float[] x = Npy.readFloatMatrix(a.data("x.npy"), shape);
      out.setProperty("load_s", Double.toString((System.nanoTime() - t0) / 1e9));
      return new Floats(labels, anchors, keep, x, shape[0], shape[1]);
    }

    /** Records the search time and writes the kept anchors' rows of the searched anchors' lists. */
    void writeLists(WorkerArgs a, Properties out, double seconds, int[] ids, int k) throws IOException {
      out.setProperty("search_s", Double.toString(seconds));
      out.setProperty("search_anchors", Integer.toString(anchors.length));
      NpyInts.write(a.output(".labels.ids.npy"), Searches.rowsOf(ids, k, anchors, keep));
    }
  }
}
