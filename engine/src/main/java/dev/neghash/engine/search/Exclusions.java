package dev.neghash.engine.search;

import java.util.Arrays;

/**
 * Which candidates an anchor may never get as a neighbour: itself, items with its label, and
 * explicitly listed positives.
 *
 * @param excludeSelf exclude candidate {@code a} for anchor {@code a} (same set on both sides)
 * @param anchorLabels label per anchor, or null
 * @param candidateLabels label per candidate, or null (null exactly when anchorLabels is)
 * @param positiveOffsets CSR offsets, one per anchor plus one, or null
 * @param positiveIds CSR candidate ids, sorted ascending within each anchor, or null
 */
public record Exclusions(
    boolean excludeSelf,
    int[] anchorLabels,
    int[] candidateLabels,
    int[] positiveOffsets,
    int[] positiveIds) {

  /** Validates that the pieces fit together. */
  public Exclusions {
    if ((anchorLabels == null) != (candidateLabels == null)) {
      throw new IllegalArgumentException("give labels for both anchors and candidates, or neither");
    }
    if ((positiveOffsets == null) != (positiveIds == null)) {
      throw new IllegalArgumentException("positive offsets and ids go together");
    }
  }

  /** Only the anchor itself is excluded (one set searched against itself, no labels). */
  public static Exclusions selfOnly() {
    return new Exclusions(true, null, null, null, null);
  }

  /** Nothing is excluded. */
  public static Exclusions none() {
    return new Exclusions(false, null, null, null, null);
  }

  /** Self and same-label items are excluded; {@code labels} may be null. */
  public static Exclusions labels(int[] labels) {
    return new Exclusions(true, labels, labels, null, null);
  }

  /**
   * The exclusions of one set of {@code n} items searched against itself: self, same-label items
   * ({@code labels} may be null) and positive pairs {@code (x0, y0, x1, y1, ...)}, both ways (may
   * be null).
   */
  public static Exclusions ofItems(int n, int[] labels, int[] pairs) {
    Exclusions ex = labels(labels);
    if (pairs == null) {
      return ex;
    }
    int p = pairs.length / 2;
    int[] x = new int[2 * p];
    int[] y = new int[2 * p];
    for (int i = 0; i < p; i++) {
      x[2 * i] = pairs[2 * i];
      y[2 * i] = pairs[2 * i + 1];
      x[2 * i + 1] = pairs[2 * i + 1];
      y[2 * i + 1] = pairs[2 * i];
    }
    return ex.withPositivePairs(n, x, y);
  }

  /** This with positives given as pairs {@code (anchor, candidate)}, in any order. */
  public Exclusions withPositivePairs(int anchors, int[] pairAnchors, int[] pairCandidates) {
    if (pairAnchors.length != pairCandidates.length) {
      throw new IllegalArgumentException("positive pair arrays differ in length");
    }
    int[] offsets = new int[anchors + 1];
    for (int a : pairAnchors) {
      if (a < 0 || a >= anchors) {
        throw new IllegalArgumentException("positive pair anchor out of range: " + a);
      }
      offsets[a + 1]++;
    }
    for (int i = 0; i < anchors; i++) {
      offsets[i + 1] += offsets[i];
    }
    int[] fill = Arrays.copyOf(offsets, anchors);
    int[] ids = new int[pairAnchors.length];
    for (int p = 0; p < pairAnchors.length; p++) {
      ids[fill[pairAnchors[p]]++] = pairCandidates[p];
    }
    for (int a = 0; a < anchors; a++) {
      Arrays.sort(ids, offsets[a], offsets[a + 1]);
    }
    return new Exclusions(excludeSelf, anchorLabels, candidateLabels, offsets, ids);
  }

  /**
   * Whether candidate {@code c} may be a neighbour of anchor {@code a}: the one statement of the
   * rule for host code (the kernels keep a device-shaped copy, held to this one by the parity
   * tests).
   */
  public boolean admits(int a, int c) {
    if (excludeSelf && a == c) {
      return false;
    }
    if (anchorLabels != null && anchorLabels[a] == candidateLabels[c]) {
      return false;
    }
    if (positiveOffsets != null) {
      return Arrays.binarySearch(positiveIds, positiveOffsets[a], positiveOffsets[a + 1], c) < 0;
    }
    return true;
  }

  /**
   * The exclusions of anchor rows {@code [from, to)} alone, against all candidates: row {@code a}
   * of the result is row {@code from + a} of this. Self-exclusion becomes the listed pair
   * (a, from + a), so the rows admit exactly the candidates they admit here.
   */
  public Exclusions rows(int from, int to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad row range [" + from + ", " + to + ")");
    }
    int m = to - from;
    int[] al = anchorLabels == null ? null : Arrays.copyOfRange(anchorLabels, from, to);
    if (!excludeSelf && positiveOffsets == null) {
      return new Exclusions(false, al, candidateLabels, null, null);
    }
    int[] offsets = new int[m + 1];
    for (int a = 0; a < m; a++) {
      int listed = positiveOffsets == null ? 0 : positiveOffsets[from + a + 1] - positiveOffsets[from + a];
      offsets[a + 1] = offsets[a] + listed + (excludeSelf ? 1 : 0);
    }
    int[] ids = new int[offsets[m]];
    for (int a = 0; a < m; a++) {
      int o = offsets[a];
      if (positiveOffsets != null) {
        int lo = positiveOffsets[from + a];
        int hi = positiveOffsets[from + a + 1];
        System.arraycopy(positiveIds, lo, ids, o, hi - lo);
        o += hi - lo;
      }
      if (excludeSelf) {
        ids[o] = from + a;
        Arrays.sort(ids, offsets[a], offsets[a + 1]);
      }
    }
    return new Exclusions(false, al, candidateLabels, offsets, ids);
  }

  /** Throws unless labels and positives fit {@code anchors} x {@code candidates}. */
  public void check(int anchors, int candidates) {
    if (anchorLabels != null
        && (anchorLabels.length != anchors || candidateLabels.length != candidates)) {
      throw new IllegalArgumentException(
          "label counts (" + anchorLabels.length + ", " + candidateLabels.length
              + ") do not match anchors/candidates (" + anchors + ", " + candidates + ")");
    }
    if (positiveOffsets != null) {
      if (positiveOffsets.length != anchors + 1) {
        throw new IllegalArgumentException("positive offsets must have anchors + 1 entries");
      }
      for (int id : positiveIds) {
        if (id < 0 || id >= candidates) {
          throw new IllegalArgumentException("positive pair candidate out of range: " + id);
        }
      }
    }
  }
}
