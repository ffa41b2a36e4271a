package dev.neghash.api.dashboard;

/**
 * What the dashboard plots for a finished job, beyond its {@code JobView}: how far its mined
 * negatives are from their anchors compared with random pairs, and the overlap@k a random choice
 * would reach (the floor under the quality report's overlap).
 *
 * @param jobId the job
 * @param histogram Hamming distances of the mined negatives and of random pairs, on common bins
 * @param negatives number of mined negatives counted (padding left out)
 * @param negativesMeanHamming their mean Hamming distance, or null when there are none
 * @param randomPairs number of random pairs drawn (0 when none could be)
 * @param randomMeanHamming their mean Hamming distance, or null when none were drawn
 * @param randomPairsKind how the random pairs were drawn: {@code different-label} (two items with
 *     different labels, i.e. what a random batch would offer as negatives), {@code any} (two
 *     distinct items; the dataset has no labels), or with {@code query-reference} in front when the
 *     job mined queries against references
 * @param randomNote why no random pairs were drawn, or null
 * @param randomOverlap expected overlap@k of k candidates drawn uniformly from each anchor's
 *     eligible candidates (different label, not itself), averaged over all anchors; null without a
 *     quality report
 */
public record JobPlots(
    String jobId, DistanceHistogram histogram, long negatives, Double negativesMeanHamming, int randomPairs,
    Double randomMeanHamming, String randomPairsKind, String randomNote, Double randomOverlap) {}
