package dev.neghash.api.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * A dataset's epochs side by side: for each snapshot, what its newest succeeded job measured, so
 * a person can see whether mining keeps up as the model trains.
 *
 * @param datasetId the dataset
 * @param name its name
 * @param bits code length b
 * @param epochs its snapshots, oldest first
 */
public record DatasetHistory(String datasetId, String name, int bits, List<Epoch> epochs) {

  /**
   * One snapshot.
   *
   * @param epoch its sequence number in the dataset (1, 2, ...)
   * @param snapshotId the snapshot
   * @param createdAt upload time
   * @param items N
   * @param floatsKept whether quality reports can run on it
   * @param succeededJobs how many jobs on it succeeded
   * @param job the newest of them, or null when none has
   */
  public record Epoch(int epoch, String snapshotId, Instant createdAt, int items, boolean floatsKept,
      int succeededJobs, EpochJob job) {}

  /**
   * The measures of one succeeded job.
   *
   * @param jobId the job
   * @param finishedAt when it finished
   * @param k neighbour list length
   * @param negatives negatives asked per anchor
   * @param overlap overlap@k with the exact cosine top-k, or null without a quality report
   * @param meanPositionalDistance mean |LSH rank - exact rank|, or null
   * @param qualitySampled anchors the quality report sampled, or null
   * @param randomOverlap overlap@k a random choice of k candidates reaches, or null
   * @param negativesMeanHamming mean Hamming distance of the mined negatives, or null when none
   * @param randomMeanHamming mean Hamming distance of random pairs, or null when none could be drawn
   * @param randomPairsKind how the random pairs were drawn (see {@link JobPlots}), or null
   * @param anchors anchors mined
   * @param shortAnchors anchors that got fewer negatives than asked
   * @param searchSeconds wall time of the Hamming search
   * @param qualitySeconds wall time of the quality report, or null
   * @param totalSeconds wall time of the whole job
   * @param anchorsPerSecond anchors searched per second of search
   */
  public record EpochJob(String jobId, Instant finishedAt, int k, int negatives, Double overlap,
      Double meanPositionalDistance, Integer qualitySampled, Double randomOverlap, Double negativesMeanHamming,
      Double randomMeanHamming, String randomPairsKind, int anchors, int shortAnchors, double searchSeconds,
      Double qualitySeconds, double totalSeconds, double anchorsPerSecond) {}
}
