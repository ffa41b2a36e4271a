package dev.neghash.engine.kernel;

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

  /** Computes result rows {@code [from, to)} of a Hamming top-k task. */
  void hammingTopK(HammingTask task, int from, int to);

  /** Computes result rows {@code [from, to)} of an exact cosine top-k task. */
  void cosineTopK(CosineTask task, int from, int to);
}
