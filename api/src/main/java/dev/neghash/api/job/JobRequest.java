package dev.neghash.api.job;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * A mining job as the client asks for it; every field is optional.
 *
 * @param snapshotId the snapshot to mine (default: the dataset's newest)
 * @param k neighbour list length per anchor (default 128, at most N - 1)
 * @param strategy {@code top} (the nearest) or {@code random} (a seeded choice in the rank window)
 * @param negatives negatives per anchor (default 8, at most k)
 * @param rankMin first rank of the random window, inclusive (default 0)
 * @param rankMax end of the random window, exclusive (default k)
 * @param maxCosine skip neighbours whose estimated cosine cos(pi h / b) is above this
 * @param hardPositives also find each anchor's farthest same-label item (needs labels)
 * @param batchSize build the next epoch's batches of this size (mode {@code all} only)
 * @param batchNeighbours neighbours each batch anchor pulls in (default batchSize / 2)
 * @param seed seed of random choices (default 42)
 * @param mode {@code all}: every item against every item; {@code queries}: query items against
 *     reference items (needs the dataset's split)
 * @param qualitySample evaluate overlap@k against exact cosine on this many sampled anchors
 *     (needs a snapshot uploaded with keepFloats=true)
 * @param itemsPerLabel K of P x K batches for class-labelled data: batchSize / K labels with K
 *     items each (default: none, no label twice in a batch; needs labels)
 * @param randomShare share of each P x K batch's labels chosen at random instead of mined, 0 to 1
 *     (default 0; needs itemsPerLabel)
 * @param batchRankFrom rank window of the batches: each batch anchor skips its first this many
 *     neighbours and pulls from ranks [batchRankFrom, k) (default 0; must be below k)
 */
public record JobRequest(
    String snapshotId,
    @Min(1) @Max(65536) Integer k,
    @Pattern(regexp = "top|random", message = "must be top or random") String strategy,
    @Min(1) @Max(65536) Integer negatives,
    @Min(0) Integer rankMin,
    @Min(1) Integer rankMax,
    @DecimalMin("-1.0") @DecimalMax("1.0") Double maxCosine,
    Boolean hardPositives,
    @Min(2) @Max(1 << 20) Integer batchSize,
    @Min(0) @Max(1 << 20) Integer batchNeighbours,
    Long seed,
    @Pattern(regexp = "all|queries", message = "must be all or queries") String mode,
    @Min(1) @Max(1 << 20) Integer qualitySample,
    @Min(2) @Max(1 << 20) Integer itemsPerLabel,
    @DecimalMin("0.0") @DecimalMax("1.0") Double randomShare,
    @Min(0) @Max(65536) Integer batchRankFrom) {}
