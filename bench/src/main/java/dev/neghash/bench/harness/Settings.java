package dev.neghash.bench.harness;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a harness run is configured by.
 *
 * <p>Searches over all N anchors cost O(N^2); for large N each method searches a seeded sample of
 * anchors against all N candidates, as many as its budget allows (anchors x N pairs, or anchors x
 * N x d multiply-adds for float methods), and its time for all N anchors is extrapolated
 * linearly (every anchor does the same work). The samples are nested prefixes of one seeded
 * permutation, so the quality sample is inside every method's sample.
 *
 * @param out where the Markdown, CSV and PNG files go
 * @param work parent of the temporary working directory (data and results as .npy)
 * @param keepWork keep the working directory afterwards
 * @param mode "default" or "quick", printed in the report
 * @param threads threads for every method (NegHash and FAISS alike)
 * @param k neighbours per anchor
 * @param bits code lengths of the LSH methods
 * @param seed seed of the data, projections, samples and random negatives
 * @param negatives mined negatives per anchor scored by the "share in exact top-k" measure
 * @param python the Python interpreter with FAISS
 * @param lshPairs anchor x candidate budget of NegHash's Hamming search with labels
 * @param faissBinaryPairs the same for FAISS IndexBinaryFlat and the NegHash self-only search it
 *     is compared with (same anchors)
 * @param exactFma multiply-add budget of NegHash's exact cosine search
 * @param faissFlatFma multiply-add budget of FAISS IndexFlatIP
 * @param qualityPairs anchor x candidate budget of the quality evaluation
 * @param qualityMax most anchors evaluated for quality
 * @param minAnchors fewest anchors any sampled method searches
 * @param datasets the data sets, in run order
 * @param note free text for the report (e.g. that the machine was shared)
 * @param childTimeoutMinutes limit for each child process
 * @param repeat most runs of every timed search; the fastest is reported
 * @param repeatSeconds no further run once a search has spent this long (long searches run once)
 * @param ompWaitPolicy {@code OMP_WAIT_POLICY} for FAISS's OpenMP threads (empty: the runtime's
 *     default)
 */
record Settings(
    Path out,
    Path work,
    boolean keepWork,
    String mode,
    int threads,
    int k,
    int[] bits,
    long seed,
    int negatives,
    String python,
    double lshPairs,
    double faissBinaryPairs,
    double exactFma,
    double faissFlatFma,
    double qualityPairs,
    int qualityMax,
    int minAnchors,
    List<DatasetSpec> datasets,
    String note,
    int childTimeoutMinutes,
    int repeat,
    double repeatSeconds,
    String ompWaitPolicy) {}
