package dev.neghash.api.job;

/**
 * A job's parameters with every default filled in, as stored in its manifest.
 *
 * @param snapshotId the snapshot mined
 * @param k neighbour list length
 * @param strategy top or random
 * @param negatives negatives per anchor
 * @param rankMin random window start
 * @param rankMax random window end (exclusive)
 * @param maxCosine estimated-cosine ceiling, or null
 * @param hardPositives whether hard positives are found
 * @param batchSize batch size, or null when no batches are built
 * @param batchNeighbours neighbours per batch anchor, or null
 * @param seed seed of random choices
 * @param mode all or queries
 * @param qualitySample anchors sampled for the quality report, or null
 * @param itemsPerLabel K of P x K batches, or null for batches without repeated labels
 * @param randomShare share of random labels per P x K batch, or null (0)
 * @param batchRankFrom first rank of the batch anchors' neighbour lists they pull from, or null (0)
 */
public record JobParams(
    String snapshotId, int k, String strategy, int negatives, int rankMin, int rankMax, Double maxCosine,
    boolean hardPositives, Integer batchSize, Integer batchNeighbours, long seed, String mode,
    Integer qualitySample, Integer itemsPerLabel, Double randomShare, Integer batchRankFrom) {

  /** Whether query items are mined against reference items. */
  public boolean queries() {
    return "queries".equals(mode);
  }
}
