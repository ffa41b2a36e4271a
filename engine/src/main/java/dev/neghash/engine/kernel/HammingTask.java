package dev.neghash.engine.kernel;

import dev.neghash.engine.search.Exclusions;

/**
 * All-pairs Hamming top-k: packed codes of anchors against packed codes of candidates (layout of
 * {@link dev.neghash.engine.lsh.PackedCodes}); distances go to {@link #outDist()}, {@code -1} where
 * the row is padded.
 */
public final class HammingTask extends TopKTask {
  final long[] anchorCodes;
  final long[] candidateCodes;
  final int words;
  final int[] outDist;

  /** Creates a task writing into {@code outIds} and {@code outDist} ({@code anchors * k} each). */
  public HammingTask(
      long[] anchorCodes,
      int anchors,
      long[] candidateCodes,
      int candidates,
      int words,
      Exclusions exclusions,
      int k,
      int[] outIds,
      int[] outDist) {
    super(anchors, candidates, exclusions, k, outIds);
    if (words <= 0
        || anchorCodes.length != (long) anchors * words
        || candidateCodes.length != (long) candidates * words) {
      throw new IllegalArgumentException("code arrays do not match anchors/candidates x words");
    }
    if (outDist.length != outIds.length) {
      throw new IllegalArgumentException("outDist must match outIds");
    }
    this.anchorCodes = anchorCodes;
    this.candidateCodes = candidateCodes;
    this.words = words;
    this.outDist = outDist;
  }

  /** Anchor codes, row-major. */
  public long[] anchorCodes() {
    return anchorCodes;
  }

  /** Candidate codes, row-major. */
  public long[] candidateCodes() {
    return candidateCodes;
  }

  /** 64-bit words per code. */
  public int words() {
    return words;
  }

  /** Result distances, {@code anchors * k}. */
  public int[] outDist() {
    return outDist;
  }
}
