package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Read the command's files, encode (or load floats) and search through the engine: what mine, negatives and batches share. */
final class Pipeline {

  /**
   * The neighbour lists and how long each step took; in query/reference mode neighbour ids index
   * the reference file and {@code labels} are the queries' labels.
   */
  record Result(NegHash neghash, Neighbours neighbours, int[] labels, Encoder.Encoded encoded, long n, long d,
      double encodeSeconds, double searchSeconds) {}

  private Pipeline() {}

  static Result run(Path embeddings, Path labelsFile, CommonOptions common, int k, boolean exact)
      throws IOException {
    return run(embeddings, labelsFile, null, null, common, k, exact);
  }

  /**
   * With {@code queries} given, anchors are the queries and candidates the embeddings (query /
   * reference mode): the two files are one item set (queries first) with two subsets, so both are
   * encoded with one projection, centred on the mean of their union, and labels exclude across them.
   */
  static Result run(Path embeddings, Path labelsFile, Path queries, Path queryLabelsFile,
      CommonOptions common, int k, boolean exact) throws IOException {
    NegHash neghash = common.neghash();
    if (queries != null) {
      return runQueryReference(exact ? common.neghash(true) : neghash, embeddings, labelsFile, queries,
          queryLabelsFile, k, exact);
    }
    long[] shape = Inputs.shape(embeddings);
    long n = shape[0];
    int[] labels = Inputs.labels(labelsFile, n);
    Inputs.checkK(k, n);
    SearchOptions search = SearchOptions.k(k).labels(labels);
    long t0 = System.nanoTime();
    if (exact) {
      int[] s = new int[2];
      float[] x = Inputs.load(embeddings, s);
      long t1 = System.nanoTime();
      Neighbours nb = common.neghash(true).exactSearch(x, s[1], search);
      return new Result(neghash, nb, labels, null, n, shape[1], (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }
    Encoder.Encoded enc = Inputs.encode(embeddings, neghash);
    long t1 = System.nanoTime();
    Neighbours nb = neghash.search(enc.codes(), search);
    return new Result(neghash, nb, labels, enc, n, shape[1], (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
  }

  private static Result runQueryReference(NegHash neghash, Path refs, Path refLabelsFile, Path queries,
      Path queryLabelsFile, int k, boolean exact) throws IOException {
    long[] rs = Inputs.shape(refs);
    long[] qs = Inputs.shape(queries);
    if (rs[1] != qs[1]) {
      throw new InvalidInputException("queries have dimension " + qs[1] + " but embeddings have " + rs[1]);
    }
    if ((refLabelsFile == null) != (queryLabelsFile == null)) {
      throw new InvalidInputException("give --labels and --query-labels together, or neither");
    }
    int[] rl = Inputs.labels(refLabelsFile, rs[0]);
    int[] ql = Inputs.labels(queryLabelsFile, qs[0]);
    if (k < 1 || k > rs[0]) {
      throw new InvalidInputException("k must be between 1 and " + rs[0] + ", got " + k);
    }
    int nq = (int) qs[0];
    int nr = (int) rs[0];
    int d = (int) rs[1];
    SearchOptions search = SearchOptions.k(k).labels(concat(ql, rl)).anchors(range(0, nq)).candidates(range(nq, nq + nr));
    long t0 = System.nanoTime();
    Neighbours nb;
    Encoder.Encoded both = null;
    long t1;
    if (exact) {
      int[] s = new int[2];
      float[] q = Inputs.load(queries, s);
      float[] r = Inputs.load(refs, s);
      float[] x = new float[q.length + r.length];
      System.arraycopy(q, 0, x, 0, q.length);
      System.arraycopy(r, 0, x, q.length, r.length);
      t1 = System.nanoTime();
      nb = neghash.exactSearch(x, d, search);
    } else {
      both = Inputs.encode(List.of(queries, refs), neghash);
      t1 = System.nanoTime();
      nb = neghash.search(both.codes(), search);
    }
    double searchSeconds = (System.nanoTime() - t1) / 1e9;
    int[] ids = nb.ids();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ids[i] < 0 ? -1 : ids[i] - nq; // item ids back to reference rows
    }
    return new Result(neghash, nb, ql, both, nq, d, (t1 - t0) / 1e9, searchSeconds);
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  private static int[] concat(int[] a, int[] b) {
    if (a == null) {
      return null;
    }
    int[] r = new int[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** The one-line summary every mining command prints. */
  static void summary(PrintWriter out, Result r, CommonOptions c, int k, boolean exact) {
    out.println(String.format(Locale.ROOT,
        "N=%d d=%d bits=%s k=%d threads=%d kernels=%s encode=%.3fs search=%.3fs",
        r.n(), r.d(), exact ? "exact" : Integer.toString(c.bits), k, c.threadCount(),
        CommonOptions.provider(), r.encodeSeconds(), r.searchSeconds()));
  }
}
