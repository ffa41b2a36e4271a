package dev.neghash.engine.mining;

/**
 * Settings of the batch builder.
 *
 * @param batchSize items per batch
 * @param neighbours neighbours each anchor pulls into its batch: half the nearest, half drawn at
 *     random from the rest of its top-k
 * @param seed seed of the anchor order and the random draws
 * @param maxPasses passes over the anchors left over because their label was already in the
 *     batch; the walk stops earlier when a pass makes no progress
 */
public record BatchOptions(int batchSize, int neighbours, long seed, int maxPasses) {

  /** Validates the settings. */
  public BatchOptions {
    if (batchSize < 2) {
      throw new IllegalArgumentException("batch size must be >= 2, got " + batchSize);
    }
    if (neighbours < 0) {
      throw new IllegalArgumentException("neighbours must be >= 0");
    }
    if (maxPasses < 1) {
      throw new IllegalArgumentException("maxPasses must be >= 1");
    }
  }

  /** {@code batchSize} with {@code batchSize / 2} neighbours per anchor and 8 passes. */
  public static BatchOptions of(int batchSize, long seed) {
    return new BatchOptions(batchSize, batchSize / 2, seed, 8);
  }
}
