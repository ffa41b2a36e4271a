package dev.neghash.spark;

import dev.neghash.engine.Progress;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One task's search: a block of anchors against a block of candidates with the engine's Hamming
 * top-k, under the same exclusions as on one machine (the anchor itself, same-label items, listed
 * positive pairs), expressed in the two blocks' row and column spaces.
 */
final class BlockSearch {

  private BlockSearch() {}

  /**
   * The top-k of every anchor of {@code anchors} among {@code candidates} ({@code min(k, candidates)}
   * real entries at most, padded to k).
   *
   * @param partners positive partners per item id (both directions), or null
   */
  static TopK search(CodeBlock anchors, CodeBlock candidates, int k, int bits, Map<Long, long[]> partners,
      int threads, KernelProvider kernels) {
    int na = anchors.size();
    int nc = candidates.size();
    long[] outIds = new long[na * k];
    int[] outDist = new int[na * k];
    Arrays.fill(outIds, -1);
    Arrays.fill(outDist, -1);
    if (na == 0 || nc == 0) {
      return new TopK(anchors.ids(), k, outIds, outDist);
    }
    int[] al = null;
    int[] cl = null;
    if (anchors.labelled() != null) {
      // Equal labels map to equal ints; an unlabelled candidate gets a value no anchor has.
      Map<Long, Integer> dict = new HashMap<>();
      cl = new int[nc];
      for (int c = 0; c < nc; c++) {
        cl[c] = candidates.labelled()[c] ? dict.computeIfAbsent(candidates.labels()[c], l -> dict.size()) : -2 - c;
      }
      al = new int[na];
      for (int a = 0; a < na; a++) {
        al[a] = anchors.labelled()[a] ? dict.getOrDefault(anchors.labels()[a], -1) : -1;
      }
    }
    // Excluded (anchor row, candidate column) pairs: the anchor itself and its positive partners.
    Pairs excluded = new Pairs(na);
    long[] cids = candidates.ids();
    for (int a = 0; a < na; a++) {
      long id = anchors.ids()[a];
      excluded.addIfFound(a, Arrays.binarySearch(cids, id));
      long[] ps = partners == null ? null : partners.get(id);
      if (ps != null) {
        for (long p : ps) {
          excluded.addIfFound(a, Arrays.binarySearch(cids, p));
        }
      }
    }
    Exclusions ex = new Exclusions(false, al, cl, null, null);
    if (excluded.m > 0) {
      ex = ex.withPositivePairs(na, Arrays.copyOf(excluded.rows, excluded.m), Arrays.copyOf(excluded.cols, excluded.m));
    }
    int kk = Math.min(k, nc);
    Neighbours nb = HammingSearch.search(new PackedCodes(anchors.words(), na, bits),
        new PackedCodes(candidates.words(), nc, bits), ex, kk, threads, kernels, Progress.NONE);
    for (int a = 0; a < na; a++) {
      for (int r = 0; r < kk; r++) {
        int c = nb.ids()[a * kk + r];
        if (c < 0) {
          break;
        }
        outIds[a * k + r] = cids[c];
        outDist[a * k + r] = nb.hamming()[a * kk + r];
      }
    }
    return new TopK(anchors.ids(), k, outIds, outDist);
  }

  /** A growing list of (row, column) pairs. */
  private static final class Pairs {
    int[] rows;
    int[] cols;
    int m;

    Pairs(int capacity) {
      rows = new int[capacity];
      cols = new int[capacity];
    }

    /** Adds (row, col) unless {@code col} is negative (a binary search that found nothing). */
    void addIfFound(int row, int col) {
      if (col < 0) {
        return;
      }
      if (m == rows.length) {
        rows = Arrays.copyOf(rows, 2 * m);
        cols = Arrays.copyOf(cols, 2 * m);
      }
      rows[m] = row;
      cols[m++] = col;
    }
  }
}
