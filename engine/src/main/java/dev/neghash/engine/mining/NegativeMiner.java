package dev.neghash.engine.mining;

import dev.neghash.engine.search.Neighbours;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** Takes hard negatives out of top-k neighbour lists (step 6 of the method). */
public final class NegativeMiner {

  private NegativeMiner() {}

  /**
   * Mines negatives for every anchor. The RANDOM choice draws from a generator seeded with {@code
   * seed} mixed with the anchor index, so each anchor's draw is independent of every other.
   */
  public static Negatives mine(Neighbours nb, MiningOptions o) {
    return mine(nb, o, 0);
  }

  /**
   * Mines negatives for a block of anchor rows: row {@code a} of {@code nb} is anchor row {@code
   * firstRow + a} of a larger search, and draws as well as the short anchors reported use that
   * row, so mining a search block by block gives the rows mining it whole gives.
   */
  public static Negatives mine(Neighbours nb, MiningOptions o, int firstRow) {
    int n = nb.n();
    int c = o.count();
    int[] ids = new int[n * c];
    int[] ham = nb.hamming() != null ? new int[n * c] : null;
    float[] cos = new float[n * c];
    int[] ranks = new int[n * c];
    java.util.Arrays.fill(ids, -1);
    java.util.Arrays.fill(ranks, -1);
    java.util.Arrays.fill(cos, Float.NaN);
    if (ham != null) {
      java.util.Arrays.fill(ham, -1);
    }
    boolean ceiling = !Double.isNaN(o.maxEstimatedCosine()) && o.maxEstimatedCosine() < 1;
    int[] pool = new int[nb.k()];
    int shortCount = 0;
    int[] shortAnchors = new int[n];
    for (int a = 0; a < n; a++) {
      int lo = o.strategy() == MiningOptions.Strategy.TOP ? 0 : Math.min(o.rangeMin(), nb.k());
      int hi = o.strategy() == MiningOptions.Strategy.TOP ? nb.k() : Math.min(o.rangeMax(), nb.k());
      int m = 0;
      for (int r = lo; r < hi; r++) {
        if (nb.id(a, r) < 0) {
          break;
        }
        if (ceiling && nb.estimatedCosine(a, r) > o.maxEstimatedCosine()) {
          continue;
        }
        pool[m++] = r;
      }
      int take = Math.min(c, m);
      if (o.strategy() == MiningOptions.Strategy.RANDOM && m > take) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(mix(o.seed(), firstRow + (long) a));
        // Partial Fisher-Yates, then restore rank order among the chosen.
        for (int i = 0; i < take; i++) {
          int j = i + rng.nextInt(m - i);
          int t = pool[i];
          pool[i] = pool[j];
          pool[j] = t;
        }
        java.util.Arrays.sort(pool, 0, take);
      }
      for (int i = 0; i < take; i++) {
        int r = pool[i];
        int out = a * c + i;
        ids[out] = nb.id(a, r);
        ranks[out] = r;
        cos[out] = nb.estimatedCosine(a, r);
        if (ham != null) {
          ham[out] = nb.hamming()[a * nb.k() + r];
        }
      }
      if (take < c) {
        shortAnchors[shortCount++] = firstRow + a;
      }
    }
    return new Negatives(n, c, ids, ham, cos, ranks, java.util.Arrays.copyOf(shortAnchors, shortCount));
  }

  /** A 64-bit mix of a seed and an index (the SplitMix64 finaliser). */
  static long mix(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
