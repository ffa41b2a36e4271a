package dev.neghash.engine.mining;

import dev.neghash.engine.Defaults;
import dev.neghash.engine.InvalidInputException;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the batch builders.
 *
 * <p>Two kinds of batches: with {@code itemsPerLabel} 0, no label twice in a batch (the Sample4Geo
 * scheme, for pair data where every pair has its own label; {@link BatchBuilder}); with {@code
 * itemsPerLabel} K of 2 or more, P x K batches for class-labelled data: P = batchSize / K labels
 * with K items each ({@link ClassBatchBuilder}).
 *
 * @param batchSize items per batch
 * @param neighbours neighbours each anchor pulls into its batch: half the nearest, half drawn at
 *     random from the rest of its top-k (0: none, the batches are then random)
 * @param seed seed of the anchor order and the random draws
 * @param maxPasses passes of the Sample4Geo walk over the anchors it deferred because their label
 *     was already in the batch; the walk stops earlier when a pass makes no progress
 * @param itemsPerLabel K of P x K batches, or 0 for batches without repeated labels
 * @param randomShare share of each P x K batch's labels chosen at random instead of by the
 *     neighbour lists, from 0 (fully mined) to 1 (random P x K batches); must be 0 without
 *     itemsPerLabel
 * @param rankFrom start of the rank window: an anchor skips the first {@code rankFrom} entries of
 *     its top-k list and draws its neighbours from ranks {@code [rankFrom, k)} only (0: the whole
 *     list). Skipping the very nearest items makes batches less hard, and keeps near-duplicates
 *     and unlabelled positives out of them; must be below the list length k
 */
public record BatchOptions(
    int batchSize, int neighbours, long seed, int maxPasses, int itemsPerLabel, double randomShare,
    int rankFrom) {

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
    if (itemsPerLabel != 0 && (itemsPerLabel < 2 || itemsPerLabel > batchSize)) {
      throw new IllegalArgumentException("itemsPerLabel must be 0 (no label twice in a batch) or between 2 and the batch"
          + " size (" + batchSize + "), got " + itemsPerLabel);
    }
    if (itemsPerLabel != 0 && batchSize % itemsPerLabel != 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " is not a multiple of itemsPerLabel "
          + itemsPerLabel + " (P x K batches hold P labels with K items each)");
    }
    if (!(randomShare >= 0 && randomShare <= 1)) {
      throw new IllegalArgumentException("randomShare must be between 0 and 1, got " + randomShare);
    }
    if (itemsPerLabel == 0 && randomShare != 0) {
      throw new IllegalArgumentException("randomShare needs itemsPerLabel (it applies to P x K batches)");
    }
    if (rankFrom < 0) {
      throw new IllegalArgumentException("rankFrom must be >= 0, got " + rankFrom);
    }
  }

  /** Settings whose anchors draw from their whole top-k list (rank window from 0). */
  public BatchOptions(
      int batchSize, int neighbours, long seed, int maxPasses, int itemsPerLabel, double randomShare) {
    this(batchSize, neighbours, seed, maxPasses, itemsPerLabel, randomShare, 0);
  }

  /** Batches without repeated labels (the Sample4Geo scheme). */
  public BatchOptions(int batchSize, int neighbours, long seed, int maxPasses) {
    this(batchSize, neighbours, seed, maxPasses, 0, 0, 0);
  }

  /** {@code batchSize} with {@code batchSize / 2} neighbours per anchor and the default pass bound. */
  public static BatchOptions of(int batchSize, long seed) {
    return new BatchOptions(batchSize, Defaults.batchNeighbours(batchSize), seed, Defaults.BATCH_PASSES);
  }

  /** These settings with P x K batches of {@code k} items per label (0: no label twice). */
  public BatchOptions withItemsPerLabel(int k) {
    return new BatchOptions(batchSize, neighbours, seed, maxPasses, k, k == 0 ? 0 : randomShare, rankFrom);
  }

  /** These settings with this share of randomly chosen labels per P x K batch. */
  public BatchOptions withRandomShare(double share) {
    return new BatchOptions(batchSize, neighbours, seed, maxPasses, itemsPerLabel, share, rankFrom);
  }

  /** These settings with anchors drawing from ranks {@code [from, k)} of their top-k lists. */
  public BatchOptions withRankFrom(int from) {
    return new BatchOptions(batchSize, neighbours, seed, maxPasses, itemsPerLabel, randomShare, from);
  }

  /**
   * Refuses a rank window that top-k lists of length {@code k} cannot open: {@code rankFrom} must
   * be below k (with rankFrom at or past k no anchor would pull in anything).
   *
   * @throws InvalidInputException naming both numbers
   */
  public void checkRankWindow(int k) {
    if (rankFrom > 0 && rankFrom >= k) {
      throw new InvalidInputException("rankFrom " + rankFrom + " must be below the neighbour list length k (" + k
          + "): anchors draw from ranks [rankFrom, k)");
    }
  }

  /** Whether these are P x K batches. */
  public boolean perLabel() {
    return itemsPerLabel > 0;
  }

  /** Labels per P x K batch (P), or the batch size for batches without repeated labels. */
  public int labelsPerBatch() {
    return perLabel() ? batchSize / itemsPerLabel : batchSize;
  }

  /**
   * Refuses settings the items' labels cannot meet, naming why: batches without repeated labels
   * need at least batchSize distinct labels; P x K batches need labels and at least P labels with K
   * items or more.
   *
   * @param labels label per item, or null when every item is its own class
   * @param n number of items
   * @throws InvalidInputException when not a single batch could be built
   */
  public void checkFeasible(int[] labels, int n) {
    if (labels != null && labels.length != n) {
      throw new InvalidInputException("labels (" + labels.length + ") do not match the items (" + n + ")");
    }
    if (batchSize > n) {
      throw new InvalidInputException("batch size " + batchSize + " exceeds the number of items (" + n + ")");
    }
    if (!perLabel()) {
      if (labels == null) {
        return;
      }
      int distinct = counts(labels).size();
      if (distinct < batchSize) {
        throw new InvalidInputException("batch size " + batchSize + " needs at least " + batchSize
            + " distinct labels for batches without repeated labels; the labels have " + distinct
            + " — use itemsPerLabel (P x K batches)");
      }
      return;
    }
    if (labels == null) {
      throw new InvalidInputException("itemsPerLabel (P x K batches) needs labels");
    }
    int k = itemsPerLabel;
    int p = labelsPerBatch();
    Map<Integer, Integer> counts = counts(labels);
    int eligible = 0;
    for (int c : counts.values()) {
      if (c >= k) {
        eligible++;
      }
    }
    if (eligible < p) {
      throw new InvalidInputException("batch size " + batchSize + " with itemsPerLabel " + k + " needs " + p
          + " labels with at least " + k + " items each; the labels have " + eligible + " such (of "
          + counts.size() + " distinct)"
          + (eligible > 0 ? " — use a batch size of at most " + eligible * k + " or more items per label" : ""));
    }
  }

  private static Map<Integer, Integer> counts(int[] labels) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int l : labels) {
      counts.merge(l, 1, Integer::sum);
    }
    return counts;
  }
}
