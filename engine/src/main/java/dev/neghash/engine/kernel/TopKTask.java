package dev.neghash.engine.kernel;

import dev.neghash.engine.search.Exclusions;


/**
 * What every all-pairs top-k problem shares: sizes, exclusion rules and the result ids.
 *
 * <p>Row {@code a} of the result is {@code outIds[a*k .. a*k+k)}: the k nearest admissible
 * candidates, nearest first, ties broken by the smaller candidate index, padded with {@code -1}
 * when fewer exist. Candidate {@code c} is admissible for anchor {@code a} unless {@code
 * excludeSelf && c == a}, or labels are given and {@code anchorLabels[a] == candidateLabels[c]}, or
 * {@code c} is listed among {@code a}'s positives.
 */
public abstract sealed class TopKTask permits HammingTask, CosineTask {
  final int anchors;
  final int candidates;
  final int[] anchorLabels;
  final int[] candidateLabels;
  final int[] positiveOffsets;
  final int[] positiveIds;
  final boolean excludeSelf;
  final int k;
  final int[] outIds;

  TopKTask(
      int anchors,
      int candidates,
      Exclusions exclusions,
      int k,
      int[] outIds) {
    if (anchors < 0 || candidates < 0) {
      throw new IllegalArgumentException("negative size");
    }
    if (k < 1 || outIds.length != (long) anchors * k) {
      throw new IllegalArgumentException("k must be >= 1 and outIds anchors x k");
    }
    exclusions.check(anchors, candidates);
    this.anchors = anchors;
    this.candidates = candidates;
    this.anchorLabels = exclusions.anchorLabels();
    this.candidateLabels = exclusions.candidateLabels();
    this.positiveOffsets = exclusions.positiveOffsets();
    this.positiveIds = exclusions.positiveIds();
    this.excludeSelf = exclusions.excludeSelf();
    this.k = k;
    this.outIds = outIds;
  }

  /** Number of anchors. */
  public int anchors() {
    return anchors;
  }

  /** Number of candidates. */
  public int candidates() {
    return candidates;
  }

  /** Neighbours kept per anchor. */
  public int k() {
    return k;
  }

  /** Result ids, {@code anchors * k}, row-major. */
  public int[] outIds() {
    return outIds;
  }

  /** Anchor labels, or null when labels are not used. */
  public int[] anchorLabels() {
    return anchorLabels;
  }

  /** Candidate labels, or null when labels are not used. */
  public int[] candidateLabels() {
    return candidateLabels;
  }

  /** CSR offsets ({@code anchors + 1}) of listed positives, or null. */
  public int[] positiveOffsets() {
    return positiveOffsets;
  }

  /** CSR ids of listed positives (sorted per anchor), or null. */
  public int[] positiveIds() {
    return positiveIds;
  }

  /** Whether candidate {@code a} is excluded for anchor {@code a}. */
  public boolean excludeSelf() {
    return excludeSelf;
  }
}
