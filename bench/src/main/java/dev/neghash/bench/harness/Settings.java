package dev.neghash.bench.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Everything a harness run is configured by.
 *
 * <p>Searches over all N anchors cost O(N^2); for large N each method searches a seeded sample of
 * anchors against all N candidates, as many as its budget allows (anchors x N pairs, or anchors x
 * N x d multiply-adds for float methods), and its time for all N anchors is extrapolated
 * linearly (every anchor does the same work; what NegHash's searches pay once per search is timed
 * apart and not scaled, {@link Row#extrapolate}). The samples are nested prefixes of one seeded
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
 * @param methods the methods to run ({@link #METHODS}); {@code kernels} is not a peer but the
 *     kernels timed against the machine's bounds ({@link dev.neghash.bench.KernelBoundsBenchmark})
 * @param hnswQueries anchors the HNSW methods search on each data set (a seeded sample, all where N
 *     is smaller); their all-N time is extrapolated
 * @param hnswM HNSW links per node (Lucene's maxConn, FAISS's M)
 * @param hnswEfConstruction HNSW beam while building (Lucene's beamWidth, FAISS's efConstruction)
 * @param hnswEf HNSW beam while searching, at least k (Lucene: the collector's size; FAISS:
 *     efSearch = max(ef, k'))
 * @param hnswMaxN the HNSW methods skip data sets with more items than this
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
    String ompWaitPolicy,
    Set<String> methods,
    int hnswQueries,
    int hnswM,
    int hnswEfConstruction,
    int hnswEf,
    int hnswMaxN) {

  /** Every method, in run order. */
  static final List<String> METHODS = List.of("kernels", "lsh", "faiss-binary", "exact", "faiss-flat", "lucene-hnsw",
      "lucene-hnsw-bq", "faiss-hnsw", "random");

  /** The methods run unless {@code --methods} says otherwise. */
  static final List<String> DEFAULT_METHODS = List.of("kernels", "lsh", "faiss-binary", "exact", "faiss-flat", "random");

  /** The HNSW methods. */
  static final List<String> HNSW_METHODS = List.of("lucene-hnsw", "lucene-hnsw-bq", "faiss-hnsw");

  /** Whether {@code method} runs. */
  boolean runs(String method) {
    return methods.contains(method);
  }
}
