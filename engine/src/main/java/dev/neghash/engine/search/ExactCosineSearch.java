package dev.neghash.engine.search;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.kernel.CosineTask;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.Progress;

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
    return search(y, y, d, Exclusions.labels(labels), k, threads, KernelProviders.get(), Progress.NONE);
  }

  /**
   * Exact top-k over the unit-normalised rows {@code unit} ({@code n x d}) of one item set, as
   * {@code options} says; neighbour ids are item ids.
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   */
  public static Neighbours search(float[] unit, int d, SearchOptions options, int threads, KernelProvider kernels) {
    int n = unit.length / d;
    Subsets s = Subsets.of(n, options);
    float[] anchors = Subsets.gather(unit, d, s.anchors(), float[]::new);
    float[] candidates = Subsets.gather(unit, d, s.candidates(), float[]::new);
    Neighbours nb = search(anchors, candidates, d, s.exclusions(), options.k(), threads, kernels, options.progress());
    return new Neighbours(nb.n(), nb.k(), s.toItemIds(nb.ids()), null, nb.similarity(), 0);
  }

  /**
   * Exact top-k by cosine similarity of already unit-normalised rows ({@code anchors} and {@code
   * candidates} row-major with {@code d} columns), in their index spaces (the kernel-level entry).
   *
   * @throws InvalidInputException if k is out of range
   */
  public static Neighbours search(float[] anchors, float[] candidates, int d, Exclusions exclusions, int k,
      int threads, KernelProvider kernels, Progress progress) {
    int na = anchors.length / d;
    int nc = candidates.length / d;
    HammingSearch.checkK(k, nc, exclusions.excludeSelf());
    int[] ids = new int[na * k];
    float[] sim = new float[na * k];
    CosineTask task = new CosineTask(anchors, na, candidates, nc, d, exclusions, k, ids, sim);
    kernels.cosineTopK(task, threads, progress);
    return new Neighbours(na, k, ids, null, sim, 0);
  }
}
