package dev.neghash.bench.harness;

import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Progress;

/**
 * The engine's searches for a subset of anchors (sorted item ids) against all items, with the two
 * exclusion rules the harness uses: {@code labels} (mining: self and same-label items excluded)
 * and {@code self} (only the anchor itself excluded, the problem FAISS solves).
 *
 * <p>With every item as anchor the engine's own {@link Exclusions#labels} and {@link
 * Exclusions#selfOnly} are used. For a subset, anchor row {@code r} is item {@code anchors[r]},
 * so "self" cannot be the index rule; it becomes a listed positive pair {@code (r, anchors[r])},
 * and for labels the anchor's own label already excludes it.
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

  /** Exclusions for anchors {@code anchors} (sorted ids) of {@code n} items. */
  static Exclusions exclusions(Rule rule, int[] anchors, int n, int[] labels) {
    boolean all = anchors.length == n;
    if (rule == Rule.LABELS) {
      if (all) {
        return Exclusions.labels(labels);
      }
      int[] al = new int[anchors.length];
      for (int r = 0; r < anchors.length; r++) {
        al[r] = labels[anchors[r]];
      }
      return new Exclusions(false, al, labels, null, null);
    }
    if (all) {
      return Exclusions.selfOnly();
    }
    int[] rows = new int[anchors.length];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = r;
    }
    return Exclusions.none().withPositivePairs(anchors.length, rows, anchors);
  }

  /** Hamming top-k of the anchors' codes against all codes. */
  static Neighbours hamming(
      PackedCodes codes, int[] anchors, Rule rule, int[] labels, int k, int threads, KernelProvider kp) {
    PackedCodes a = anchors.length == codes.n() ? codes : gather(codes, anchors);
    return HammingSearch.search(
        a, codes, exclusions(rule, anchors, codes.n(), labels), k, threads, kp, Progress.NONE);
  }

  /** Exact cosine top-k of the anchors' rows against all rows of {@code x} (unit rows). */
  static Neighbours cosine(
      float[] x, int n, int d, int[] anchors, Rule rule, int[] labels, int k, int threads, KernelProvider kp) {
    float[] a = x;
    if (anchors.length != n) {
      a = new float[anchors.length * d];
      for (int r = 0; r < anchors.length; r++) {
        System.arraycopy(x, anchors[r] * d, a, r * d, d);
      }
    }
    return ExactCosineSearch.search(
        a, anchors.length, x, n, d, exclusions(rule, anchors, n, labels), k, threads, kp, Progress.NONE);
  }

  /** The codes of the listed items, in list order. */
  static PackedCodes gather(PackedCodes codes, int[] items) {
    int w = codes.wordsPerCode();
    long[] out = new long[items.length * w];
    for (int r = 0; r < items.length; r++) {
      System.arraycopy(codes.words(), items[r] * w, out, r * w, w);
    }
    return new PackedCodes(out, items.length, codes.bits());
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
