package dev.neghash.bench.harness;

/**
 * One data set of the harness.
 *
 * @param name short name used in tables, files and plots
 * @param kind where the vectors come from
 * @param n items
 * @param d dimension
 * @param allAnchors whether NegHash's searches (LSH and exact) run for every anchor, so that their
 *     times are measured rather than extrapolated from a sample
 */
record DatasetSpec(String name, Kind kind, int n, int d, boolean allAnchors) {

  /** Sources of vectors. */
  enum Kind {
    /** Fashion-MNIST training images, L2-normalised pixels (d = 784). */
    FASHION_PIXELS,
    /** Their principal components, L2-normalised. */
    FASHION_PCA,
    /** Seeded clustered embeddings ({@link dev.neghash.bench.data.SyntheticEmbeddings}). */
    SYNTHETIC
  }

  /** Whether this is a synthetic data set (the scaling series). */
  boolean synthetic() {
    return kind == Kind.SYNTHETIC;
  }
}
