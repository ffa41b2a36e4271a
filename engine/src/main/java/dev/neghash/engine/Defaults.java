package dev.neghash.engine;

/**
 * The defaults of every NegHash setting, in one place: the command line, the service, the
 * dashboard (through the service's {@code /api/v1/defaults}) and the library use these values.
 */
public final class Defaults {

  /** Code length b: 64 bytes per item, overlap@128 about 0.6 on Fashion-MNIST pixels. */
  public static final int BITS = 512;

  /** Seed of the random hyperplanes (and of every seeded choice after them). */
  public static final long SEED = 42;

  /** Neighbour list length per anchor. */
  public static final int K = 128;

  /** Negatives taken per anchor from its list. */
  public static final int NEGATIVES = 8;

  /** Items per batch. */
  public static final int BATCH_SIZE = 128;

  /** Anchors sampled for a quality report. */
  public static final int QUALITY_SAMPLE = 1000;

  /** Centre projections on the per-bit mean (the paper's method; off gives plain SimHash signs). */
  public static final boolean CENTER = true;

  /** Scale rows to unit length before projecting (cosine geometry). */
  public static final boolean NORMALIZE = true;

  /** Worker threads: 0 means all cores. */
  public static final int THREADS = 0;

  /** Projections an encoding keeps in memory before spilling to a temporary file: 512 MiB. */
  public static final long ENCODER_MEMORY_BYTES = 512L << 20;

  /**
   * Most passes of the batch walk over anchors deferred because their label was in the batch. A
   * bound only: the walk ends at the first pass that places nothing, which on balanced labels is
   * when every item that can be packed is.
   */
  public static final int BATCH_PASSES = 1024;

  private Defaults() {}

  /** The default k for {@code n} items: {@link #K}, or {@code n - 1} when fewer items exist. */
  public static int k(long n) {
    return (int) Math.max(1, Math.min(K, n - 1));
  }

  /** Neighbours an anchor pulls into its batch by default: half the batch. */
  public static int batchNeighbours(int batchSize) {
    return batchSize / 2;
  }
}
