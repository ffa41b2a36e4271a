package dev.neghash.engine.kernel;

import dev.neghash.engine.Progress;
import dev.neghash.engine.util.Parallel;

/**
 * The hot kernels of the engine behind one interface: projection, binarisation, Hamming top-k and
 * exact cosine top-k.
 *
 * <p>{@link JavaKernels} is the reference; every implementation must return the same integers
 * and the same floats. Callers get the provider in use from {@link KernelProviders#get()}; the
 * methods do not re-check array lengths (the task types and callers do that once).
 */
public interface KernelProvider {

  /** Short name for logs and the {@code neghash.kernels} property, e.g. {@code java}. */
  String name();

  /** See {@link JavaKernels#project}. */
  void project(float[] x, int rows, int d, float[] rT, int b, float[] z);

  /** See {@link JavaKernels#binarize}. */
  void binarize(float[] z, int rows, int b, float[] mean, long[] codes, int codeOffset);

  /** Anchors per unit of parallel work in the whole-task methods' default schedule. */
  int ANCHORS_PER_CHUNK = 64;

  /** Computes result rows {@code [from, to)} of a Hamming top-k task. */
  void hammingTopK(HammingTask task, int from, int to);

  /** Computes result rows {@code [from, to)} of an exact cosine top-k task. */
  void cosineTopK(CosineTask task, int from, int to);

  /**
   * Computes a whole Hamming top-k task. The default spreads chunks of {@value
   * #ANCHORS_PER_CHUNK} anchors over {@code threads} CPU threads; a device provider overrides it
   * to schedule its own blocks. Either way {@code progress} hears of every finished anchor, and
   * a cancellation is honoured between chunks (a {@link java.util.concurrent.CancellationException}).
   */
  default void hammingTopK(HammingTask task, int threads, Progress progress) {
    Parallel.forRange(threads, task.anchors(), ANCHORS_PER_CHUNK, (from, to) -> {
      progress.checkCancelled();
      hammingTopK(task, from, to);
      progress.advance(to - from);
    });
  }

  /** Computes a whole exact cosine top-k task; scheduled as {@link #hammingTopK(HammingTask, int, Progress)}. */
  default void cosineTopK(CosineTask task, int threads, Progress progress) {
    Parallel.forRange(threads, task.anchors(), ANCHORS_PER_CHUNK, (from, to) -> {
      progress.checkCancelled();
      cosineTopK(task, from, to);
      progress.advance(to - from);
    });
  }
}
