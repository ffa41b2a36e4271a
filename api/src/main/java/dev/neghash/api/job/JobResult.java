package dev.neghash.api.job;

/**
 * What a finished job produced.
 *
 * @param anchors anchors mined (N, or the query count in mode queries)
 * @param candidates candidates searched
 * @param negativesPerAnchor negatives asked for per anchor
 * @param shortAnchors anchors that got fewer negatives than asked
 * @param labelsUsed whether labels excluded same-class items
 * @param positivePairsUsed whether explicit positive pairs were excluded
 * @param hardPositives whether hard positives were found
 * @param batches batches built, or null
 * @param batchLeftOut items in no batch, or null
 * @param quality the quality report, or null
 * @param searchSeconds wall time of the Hamming search
 * @param totalSeconds wall time of the whole job
 * @param anchorsPerSecond search throughput
 * @param batchHardness how hard the batches are, or null (no batches, or the snapshot kept no floats)
 */
public record JobResult(
    int anchors, int candidates, int negativesPerAnchor, int shortAnchors, boolean labelsUsed,
    boolean positivePairsUsed, boolean hardPositives, Integer batches, Integer batchLeftOut, Quality quality,
    double searchSeconds, double totalSeconds, double anchorsPerSecond, BatchHardness batchHardness) {

  /**
   * How hard the batches are on the snapshot's floats: for each item in a batch, the highest cosine
   * to an item of another label in its batch, averaged over items.
   *
   * @param mined that mean for the job's batches
   * @param random the same for seeded random batches of the same count and size
   * @param items items averaged over
   */
  public record BatchHardness(double mined, double random, int items) {}

  /**
   * Overlap of the LSH top-k with the exact cosine top-k on sampled anchors (the paper's measures).
   *
   * @param sampled anchors evaluated
   * @param k list length compared
   * @param overlap mean share of the exact top-k found by LSH
   * @param meanPositionalDistance mean |LSH rank - exact rank| of LSH neighbours
   * @param seconds wall time of the evaluation
   */
  public record Quality(int sampled, int k, double overlap, double meanPositionalDistance, double seconds) {}
}
