package dev.neghash.cli;

import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Validate inputs, encode (or load floats), search: what mine, negatives and batches share. */
final class Pipeline {

  /** The neighbour lists and how long each step took. */
  record Result(Neighbours neighbours, int[] labels, Encoder.Encoded encoded, long n, long d,
      double encodeSeconds, double searchSeconds) {}

  private Pipeline() {}

  static Result run(Path embeddings, Path labelsFile, CommonOptions common, int k, boolean exact)
      throws IOException {
    return run(embeddings, labelsFile, null, null, common, k, exact);
  }

  /**
   * With {@code queries} given, anchors are the queries and candidates the embeddings (query /
   * reference mode): nothing is excluded as "self", labels exclude across the two sets, and both
   * sets are encoded with one projection, centred on the mean of their union.
   */
  static Result run(Path embeddings, Path labelsFile, Path queries, Path queryLabelsFile,
      CommonOptions common, int k, boolean exact) throws IOException {
    if (queries != null) {
      return runQueryReference(embeddings, labelsFile, queries, queryLabelsFile, common, k, exact);
    }
    long[] shape = Inputs.shape(embeddings);
    long n = shape[0];
    int[] labels = Inputs.labels(labelsFile, n);
    Inputs.checkK(k, n);
    int threads = common.threadCount();
    if (exact) {
      long t0 = System.nanoTime();
      int[] s = new int[2];
      float[] x = Inputs.loadNormalized(embeddings, s);
      long t1 = System.nanoTime();
      Neighbours nb = ExactCosineSearch.search(x, s[0], x, s[0], s[1], Exclusions.labels(labels),
          k, threads, KernelProviders.get(), Progress.NONE);
      long t2 = System.nanoTime();
      return new Result(nb, labels, null, n, shape[1], (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
    long t0 = System.nanoTime();
    Encoder.Encoded enc = Inputs.encode(embeddings, common.encoderOptions());
    long t1 = System.nanoTime();
    Neighbours nb = HammingSearch.search(enc.codes(), enc.codes(), Exclusions.labels(labels), k,
        threads, KernelProviders.get(), Progress.NONE);
    long t2 = System.nanoTime();
    return new Result(nb, labels, enc, n, shape[1], (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  private static Result runQueryReference(Path refs, Path refLabelsFile, Path queries,
      Path queryLabelsFile, CommonOptions common, int k, boolean exact) throws IOException {
    long[] rs = Inputs.shape(refs);
    long[] qs = Inputs.shape(queries);
    if (rs[1] != qs[1]) {
      throw new dev.neghash.engine.InvalidInputException(
          "queries have dimension " + qs[1] + " but embeddings have " + rs[1]);
    }
    if ((refLabelsFile == null) != (queryLabelsFile == null)) {
      throw new dev.neghash.engine.InvalidInputException("give --labels and --query-labels together, or neither");
    }
    int[] rl = Inputs.labels(refLabelsFile, rs[0]);
    int[] ql = Inputs.labels(queryLabelsFile, qs[0]);
    if (k < 1 || k > rs[0]) {
      throw new dev.neghash.engine.InvalidInputException("k must be between 1 and " + rs[0] + ", got " + k);
    }
    Exclusions ex = new Exclusions(false, ql, rl, null, null);
    int threads = common.threadCount();
    int nq = (int) qs[0];
    int nr = (int) rs[0];
    int d = (int) rs[1];
    long t0 = System.nanoTime();
    if (exact) {
      int[] s = new int[2];
      float[] q = Inputs.loadNormalized(queries, s);
      float[] r = Inputs.loadNormalized(refs, s);
      long t1 = System.nanoTime();
      Neighbours nb = ExactCosineSearch.search(q, nq, r, nr, d, ex, k, threads, KernelProviders.get(), Progress.NONE);
      return new Result(nb, ql, null, nq, d, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }
    Encoder.Encoded both = Inputs.encode(java.util.List.of(queries, refs), common.encoderOptions());
    var codes = both.codes();
    long t1 = System.nanoTime();
    Neighbours nb = HammingSearch.search(codes.slice(0, nq), codes.slice(nq, nq + nr), ex, k, threads,
        KernelProviders.get(), Progress.NONE);
    return new Result(nb, ql, both, nq, d, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
  }

  /** The one-line summary every mining command prints. */
  static void summary(PrintWriter out, Result r, CommonOptions c, int k, boolean exact) {
    out.println(String.format(Locale.ROOT,
        "N=%d d=%d bits=%s k=%d threads=%d kernels=%s encode=%.3fs search=%.3fs",
        r.n(), r.d(), exact ? "exact" : Integer.toString(c.bits), k, c.threadCount(),
        CommonOptions.provider(), r.encodeSeconds(), r.searchSeconds()));
  }
}
