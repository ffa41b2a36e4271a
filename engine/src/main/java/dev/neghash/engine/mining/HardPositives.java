package dev.neghash.engine.mining;

import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.util.Parallel;
import java.util.HashMap;
import java.util.Map;

/**
 * The hard positive of each anchor: the candidate with the anchor's label that is farthest in
 * Hamming distance (ties: smaller index), excluding the anchor itself when both sides are one set.
 *
 * @param ids hard positive per anchor, -1 when the anchor's label has no other item
 * @param hamming its distance, -1 when none
 */
public record HardPositives(int[] ids, int[] hamming) {

  /** Finds hard positives of every anchor among candidates; {@code sameSet} excludes self. */
  public static HardPositives find(
      PackedCodes anchors, int[] anchorLabels, PackedCodes candidates, int[] candidateLabels,
      boolean sameSet, int threads) {
    Map<Integer, int[]> byLabel = group(candidateLabels);
    int n = anchors.n();
    int w = anchors.wordsPerCode();
    long[] aw = anchors.words();
    long[] cw = candidates.words();
    int[] ids = new int[n];
    int[] dist = new int[n];
    Parallel.forRange(threads, n, 256, (from, to) -> {
      for (int a = from; a < to; a++) {
        int[] members = byLabel.getOrDefault(anchorLabels[a], new int[0]);
        int best = -1;
        int bestD = -1;
        for (int c : members) {
          if (sameSet && c == a) {
            continue;
          }
          int d = 0;
          for (int q = 0; q < w; q++) {
            d += Long.bitCount(aw[a * w + q] ^ cw[c * w + q]);
          }
          if (d > bestD) { // members ascend, so the first farthest wins ties
            bestD = d;
            best = c;
          }
        }
        ids[a] = best;
        dist[a] = bestD;
      }
    });
    return new HardPositives(ids, dist);
  }

  private static Map<Integer, int[]> group(int[] labels) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int l : labels) {
      counts.merge(l, 1, Integer::sum);
    }
    Map<Integer, int[]> out = new HashMap<>();
    Map<Integer, Integer> fill = new HashMap<>();
    counts.forEach((l, c) -> {
      out.put(l, new int[c]);
      fill.put(l, 0);
    });
    for (int i = 0; i < labels.length; i++) {
      int f = fill.get(labels[i]);
      out.get(labels[i])[f] = i;
      fill.put(labels[i], f + 1);
    }
    return out;
  }
}
