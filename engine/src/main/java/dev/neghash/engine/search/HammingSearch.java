package dev.neghash.engine.search;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.HammingTask;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.util.Progress;

/**
 * Exact all-pairs Hamming top-k (steps 4 and 5 of the method): every anchor against every
 * candidate, with the exclusions of {@link Exclusions}.
 *
 * <p>Anchors are split into chunks of {@value #CHUNK} and spread over the threads; every anchor's
 * list is computed by one thread from the same data, so results do not depend on the thread count.
 */
public final class HammingSearch {

  /** Anchors per unit of parallel work. */
  public static final int CHUNK = 64;

  /** Largest supported k. */
  public static final int MAX_K = 1 << 16;

  private HammingSearch() {}

  /** One set against itself with the given labels (null: only self is excluded). */
  public static Neighbours self(PackedCodes codes, int[] labels, int k, int threads) {
    return search(codes, codes, Exclusions.labels(labels), k, threads, KernelProviders.get(), Progress.NONE);
  }

  /**
   * Searches {@code candidates} for the k nearest admissible neighbours of every anchor.
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
    Parallel.forRange(threads, n, CHUNK, (from, to) -> {
      progress.checkCancelled();
      kernels.hammingTopK(task, from, to);
      progress.advance(to - from);
    });
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
