package dev.neghash.engine.kernel;

import dev.neghash.engine.search.Exclusions;

/**
 * All-pairs exact cosine top-k over L2-normalised float vectors (row-major, {@code dims} each):
 * the paper's "pre-epoch" baseline and the quality oracle. Similarities go to {@link #outSim()},
 * {@code NaN} where the row is padded.
 */
public final class CosineTask extends TopKTask {
  final float[] anchorVectors;
  final float[] candidateVectors;
  final int dims;
  final float[] outSim;

  /** Creates a task writing into {@code outIds} and {@code outSim} ({@code anchors * k} each). */
  public CosineTask(
      float[] anchorVectors,
      int anchors,
      float[] candidateVectors,
      int candidates,
      int dims,
      Exclusions exclusions,
      int k,
      int[] outIds,
      float[] outSim) {
    super(anchors, candidates, exclusions, k, outIds);
    if (dims <= 0
        || anchorVectors.length != (long) anchors * dims
        || candidateVectors.length != (long) candidates * dims) {
      throw new IllegalArgumentException("vector arrays do not match anchors/candidates x dims");
    }
    if (outSim.length != outIds.length) {
      throw new IllegalArgumentException("outSim must match outIds");
    }
    this.anchorVectors = anchorVectors;
    this.candidateVectors = candidateVectors;
    this.dims = dims;
    this.outSim = outSim;
  }

  /** Anchor vectors, row-major. */
  public float[] anchorVectors() {
    return anchorVectors;
  }

  /** Candidate vectors, row-major. */
  public float[] candidateVectors() {
    return candidateVectors;
  }

  /** Vector dimension. */
  public int dims() {
    return dims;
  }

  /** Result similarities, {@code anchors * k}. */
  public float[] outSim() {
    return outSim;
  }
}
