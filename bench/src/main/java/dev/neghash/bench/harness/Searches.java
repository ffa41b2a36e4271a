package dev.neghash.bench.harness;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;

/**
 * The engine's searches for a subset of anchors (sorted item ids) against all items, with the two
 * exclusion rules the harness uses: {@code labels} (mining: self and same-label items excluded)
 * and {@code self} (only the anchor itself excluded, the problem FAISS solves).
 *
 * <p>Both go through the engine's {@link NegHash} facade with the anchors as an item subset;
 * result row {@code r} is item {@code anchors[r]} and neighbour ids are item ids.
 */
final class Searches {

  /** Exclusion rule of a neighbour list. */
  enum Rule {
    /** Self and same-label items are excluded. */
    LABELS,
    /** Only the anchor itself is excluded. */
    SELF;

    /** Lower-case name for files and tables. */
    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@link #id()}. */
    static Rule parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private Searches() {}

  /**
   * The engine for the harness: rows are already unit length (the harness normalises once, so
   * exact search and evaluation see the same floats), searches on {@code threads} threads with
   * {@code kp}.
   */
  static NegHash engine(int threads, KernelProvider kp) {
    return NegHash.builder().normalize(false).threads(threads).kernels(kp).build();
  }

  /** What a search for the anchors {@code anchors} (sorted ids) of {@code n} items under {@code rule} is. */
  static SearchOptions options(Rule rule, int[] anchors, int n, int[] labels, int k) {
    SearchOptions o = SearchOptions.k(k);
    if (rule == Rule.LABELS) {
      o = o.labels(labels);
    }
    return anchors.length == n ? o : o.anchors(anchors);
  }

  /** Hamming top-k of the anchors' codes against all codes. */
  static Neighbours hamming(
      PackedCodes codes, int[] anchors, Rule rule, int[] labels, int k, int threads, KernelProvider kp) {
    return engine(threads, kp).search(codes, options(rule, anchors, codes.n(), labels, k));
  }

  /** Exact cosine top-k of the anchors' rows against all rows of {@code x} (unit rows). */
  static Neighbours cosine(
      float[] x, int n, int d, int[] anchors, Rule rule, int[] labels, int k, int threads, KernelProvider kp) {
    float[] rows = x.length == (long) n * d ? x : java.util.Arrays.copyOf(x, n * d);
    return engine(threads, kp).exactSearch(rows, d, options(rule, anchors, n, labels, k));
  }

  /** Rows {@code keep} (a sorted subset of the sorted {@code anchors}) of a result, k ids each. */
  static int[] rowsOf(int[] ids, int k, int[] anchors, int[] keep) {
    int[] out = new int[keep.length * k];
    for (int i = 0; i < keep.length; i++) {
      int r = java.util.Arrays.binarySearch(anchors, keep[i]);
      if (r < 0) {
        throw new IllegalStateException("quality anchor " + keep[i] + " is not among the searched anchors");
      }
      System.arraycopy(ids, r * k, out, i * k, k);
    }
    return out;
  }
}
