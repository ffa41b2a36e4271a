package dev.neghash.api.job;

/**
 * The files of a finished job's result folder (all little-endian {@code .npy}); {@link
 * JobService#results} gives the folder. Row {@code r} of every per-anchor file belongs to item
 * {@code anchors[r]}.
 */
public final class ResultFiles {

  /** int32 (A,): the item id of each result row. */
  public static final String ANCHORS = "anchors.npy";

  /** int32 (A, C): negatives as item ids, -1 padding. */
  public static final String NEGATIVES = "negatives.npy";

  /** int32 (A, C): Hamming distance of each negative. */
  public static final String HAMMING = "hamming.npy";

  /** float32 (A, C): estimated cosine cos(pi h / b) of each negative. */
  public static final String COSINE = "cosine.npy";

  /** int32 (N,): the dataset's labels, when it has them. */
  public static final String LABELS = "labels.npy";

  /** int32 (A,): the hard positive of each anchor, -1 when none, when asked for. */
  public static final String HARD_POSITIVES = "hard_positives.npy";

  /** int32 (B, S): the next epoch's batches, when asked for. */
  public static final String BATCHES = "batches.npy";

  private ResultFiles() {}
}
