package dev.neghash.engine.search;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.kernel.HammingTask;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.Progress;
import java.io.IOException;

/**
 * Exact all-pairs Hamming top-k (steps 4 and 5 of the method): every anchor against every
 * candidate, with the exclusions of {@link Exclusions}.
 *
 * <p>Anchors are split into chunks of {@value #CHUNK} and spread over the threads; every anchor's
 * list is computed by one thread from the same data, so results do not depend on the thread count.
 */
public final class HammingSearch {

  /** Anchors per unit of parallel work. */
  public static final int CHUNK = KernelProvider.ANCHORS_PER_CHUNK;

  /** Largest supported k. */
  public static final int MAX_K = SearchOptions.MAX_K;

  private HammingSearch() {}

  /** One set against itself with the given labels (null: only self is excluded). */
  public static Neighbours self(PackedCodes codes, int[] labels, int k, int threads) {
    return search(codes, codes, Exclusions.labels(labels), k, threads, KernelProviders.get(), Progress.NONE);
  }

  /**
   * Searches the items of {@code codes} as {@code options} says (anchor and candidate subsets,
   * labels, positive pairs); neighbour ids are item ids.
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   */
  public static Neighbours search(PackedCodes codes, SearchOptions options, int threads, KernelProvider kernels) {
    Subsets s = Subsets.of(codes.n(), options);
    int w = codes.wordsPerCode();
    PackedCodes anchors = s.anchors() == null ? codes
        : new PackedCodes(Subsets.gather(codes.words(), w, s.anchors(), long[]::new), s.anchorCount(), codes.bits());
    PackedCodes candidates = s.candidates() == null ? codes
        : new PackedCodes(Subsets.gather(codes.words(), w, s.candidates(), long[]::new), s.candidateCount(), codes.bits());
    Neighbours nb = search(anchors, candidates, s.exclusions(), options.k(), threads, kernels, options.progress());
    return new Neighbours(nb.n(), nb.k(), s.toItemIds(nb.ids()), nb.hamming(), null, nb.bits());
  }

  /**
   * As {@link #search(PackedCodes, SearchOptions, int, KernelProvider)}, handing the lists to
   * {@code sink} in blocks of {@code blockRows} anchors, in order: beyond the codes, memory is
   * O(blockRows x k). Every anchor's list is the one the whole search returns.
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   * @throws IOException if the sink fails
   */
  public static void search(PackedCodes codes, SearchOptions options, int threads, KernelProvider kernels,
      int blockRows, NeighbourSink sink) throws IOException {
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be >= 1");
    }
    Subsets s = Subsets.of(codes.n(), options);
    int w = codes.wordsPerCode();
    PackedCodes candidates = s.candidates() == null ? codes
        : new PackedCodes(Subsets.gather(codes.words(), w, s.candidates(), long[]::new), s.candidateCount(),
            codes.bits());
    Exclusions ex = s.exclusions();
    checkK(options.k(), candidates.n(), ex.excludeSelf());
    int rows = s.anchorCount();
    for (int from = 0; from < rows; from += blockRows) {
      int to = Math.min(rows, from + blockRows);
      long[] words = s.anchors() == null
          ? java.util.Arrays.copyOfRange(codes.words(), from * w, to * w)
          : Subsets.gather(codes.words(), w, java.util.Arrays.copyOfRange(s.anchors(), from, to), long[]::new);
      PackedCodes block = new PackedCodes(words, to - from, codes.bits());
      Neighbours nb = search(block, candidates, ex.rows(from, to), options.k(), threads, kernels, options.progress());
      sink.accept(from, new Neighbours(nb.n(), nb.k(), s.toItemIds(nb.ids()), nb.hamming(), null, nb.bits()));
    }
  }

  /**
   * Searches {@code candidates} for the k nearest admissible neighbours of every anchor, in the
   * index spaces of the two code sets (the kernel-level entry; {@link
   * #search(PackedCodes, SearchOptions, int, KernelProvider)} works in item ids).
   *
   * @throws InvalidInputException if code lengths differ or k is out of range
   */
  public static Neighbours search(
      PackedCodes anchors,
      PackedCodes candidates,
      Exclusions exclusions,
      int k,
      int threads,
      KernelProvider kernels,
      Progress progress) {
    if (anchors.bits() != candidates.bits()) {
      throw new InvalidInputException(
          "anchor and candidate codes differ in length: " + anchors.bits() + " vs " + candidates.bits());
    }
    checkK(k, candidates.n(), exclusions.excludeSelf());
    int n = anchors.n();
    int[] ids = new int[n * k];
    int[] dist = new int[n * k];
    HammingTask task = new HammingTask(
        anchors.words(), n, candidates.words(), candidates.n(), anchors.wordsPerCode(),
        exclusions, k, ids, dist);
    kernels.hammingTopK(task, threads, progress);
    return new Neighbours(n, k, ids, dist, null, anchors.bits());
  }

  /** Throws unless {@code 1 <= k < candidates} (or {@code <= candidates} without self-exclusion). */
  static void checkK(int k, int candidates, boolean excludeSelf) {
    int max = excludeSelf ? candidates - 1 : candidates;
    if (k < 1 || k > max || k > MAX_K) {
      throw new InvalidInputException(
          "k must be between 1 and " + Math.min(max, MAX_K) + " for " + candidates + " items, got " + k);
    }
  }
}
