package dev.neghash.engine.search;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.kernel.CosineTask;
import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.util.Progress;

/**
 * Exact cosine top-k over float embeddings: the paper's "pre-epoch" mining baseline (O(N^2 d)
 * float work, 4d bytes per item) and the oracle for quality reports.
 */
public final class ExactCosineSearch {

  private ExactCosineSearch() {}

  /** Returns unit-L2 copies of the rows of {@code x} ({@code n x d}). */
  public static float[] normalized(float[] x, int n, int d) {
    float[] y = x.clone();
    Encoder.normalizeRows(y, n, d);
    return y;
  }

  /** One set against itself with labels (null: only self excluded); rows are normalised here. */
  public static Neighbours self(float[] x, int n, int d, int[] labels, int k, int threads) {
    float[] y = normalized(x, n, d);
    return search(y, n, y, n, d, Exclusions.labels(labels), k, threads, KernelProviders.get(), Progress.NONE);
  }

  /**
   * Exact top-k by cosine similarity of already unit-normalised rows.
   *
   * @throws InvalidInputException if k is out of range
   */
  public static Neighbours search(
      float[] anchors, int na, float[] candidates, int nc, int d,
      Exclusions exclusions, int k, int threads, KernelProvider kernels, Progress progress) {
    HammingSearch.checkK(k, nc, exclusions.excludeSelf());
    int[] ids = new int[na * k];
    float[] sim = new float[na * k];
    CosineTask task = new CosineTask(anchors, na, candidates, nc, d, exclusions, k, ids, sim);
    Parallel.forRange(threads, na, HammingSearch.CHUNK, (from, to) -> {
      progress.checkCancelled();
      kernels.cosineTopK(task, from, to);
      progress.advance(to - from);
    });
    return new Neighbours(na, k, ids, null, sim, 0);
  }
}
