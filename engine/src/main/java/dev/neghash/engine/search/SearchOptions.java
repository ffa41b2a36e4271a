package dev.neghash.engine.search;

import dev.neghash.engine.Defaults;
import dev.neghash.engine.Progress;

/**
 * What a search looks for, in the item ids of one set of {@code n} items.
 *
 * <p>Anchors and candidates are subsets of the items (all items when null); a candidate is never
 * its own anchor's neighbour, never shares the anchor's label (when labels are given) and is never
 * listed with the anchor as a positive pair (pairs apply both ways). Result rows follow {@code
 * anchors}; neighbour ids are item ids.
 *
 * @param k neighbours per anchor
 * @param labels label per item, or null
 * @param positivePairs item id pairs {@code (x0, y0, x1, y1, ...)} that are never each other's
 *     negatives, or null
 * @param anchors item ids to search for, ascending, or null for all items
 * @param candidates item ids to search among, ascending, or null for all items
 * @param progress receives progress in anchors and may cancel
 */
public record SearchOptions(int k, int[] labels, int[] positivePairs, int[] anchors, int[] candidates,
    Progress progress) {

  /** Largest supported k. */
  public static final int MAX_K = 1 << 16;

  /** Checks what can be checked without the data. */
  public SearchOptions {
    if (positivePairs != null && positivePairs.length % 2 != 0) {
      throw new IllegalArgumentException("positive pairs must come as (x, y) pairs");
    }
    if (progress == null) {
      progress = Progress.NONE;
    }
  }

  /** Every item against every other, {@code k} neighbours each, nothing else excluded. */
  public static SearchOptions k(int k) {
    return new SearchOptions(k, null, null, null, null, Progress.NONE);
  }

  /** {@link Defaults#K} neighbours, every item against every other. */
  public static SearchOptions defaults() {
    return k(Defaults.K);
  }

  /** This with labels: same-label items are never neighbours. */
  public SearchOptions labels(int[] perItem) {
    return new SearchOptions(k, perItem, positivePairs, anchors, candidates, progress);
  }

  /** This with explicit positive pairs {@code (x0, y0, x1, y1, ...)}. */
  public SearchOptions positivePairs(int[] pairs) {
    return new SearchOptions(k, labels, pairs, anchors, candidates, progress);
  }

  /** This searching for the given anchors only (ascending item ids). */
  public SearchOptions anchors(int[] ids) {
    return new SearchOptions(k, labels, positivePairs, ids, candidates, progress);
  }

  /** This searching among the given candidates only (ascending item ids). */
  public SearchOptions candidates(int[] ids) {
    return new SearchOptions(k, labels, positivePairs, anchors, ids, progress);
  }

  /** This reporting to {@code p}. */
  public SearchOptions progress(Progress p) {
    return new SearchOptions(k, labels, positivePairs, anchors, candidates, p);
  }
}
