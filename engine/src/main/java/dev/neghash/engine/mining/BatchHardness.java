package dev.neghash.engine.mining;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.util.Parallel;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * How hard a set of batches is for a contrastive loss on given embeddings: for every item in a
 * batch, the highest cosine similarity to an item of another label in the same batch (its hardest
 * in-batch negative), averaged over items; and the same for seeded random batches of the same
 * count and size drawn from all items, the baseline mining has to beat.
 *
 * @param mined mean hardest in-batch negative cosine of the batches (NaN without batches)
 * @param random the same for random batches of the same shape (NaN without batches)
 * @param items items averaged over in {@code mined} (items whose batch holds another label)
 */
public record BatchHardness(double mined, double random, int items) {

  /**
   * Measures {@code batches} on {@code rows} ({@code n x d} floats, row-major; cosine, so their
   * length does not matter; all-zero rows have cosine 0 to everything).
   *
   * @param labels label per item, or null when every item is its own class
   * @param seed seed of the random batches
   * @param threads worker threads (0: all cores)
   */
  public static BatchHardness measure(Batches batches, int[] labels, float[] rows, int d, long seed, int threads) {
    if (d < 1 || rows.length % d != 0) {
      throw new InvalidInputException("rows (" + rows.length + " floats) are not a multiple of the dimension " + d);
    }
    int n = rows.length / d;
    if (labels != null && labels.length != n) {
      throw new InvalidInputException("labels (" + labels.length + ") do not match the rows (" + n + ")");
    }
    float[] inv = new float[n];
    Parallel.forRange(threads, n, 4096, (from, to) -> {
      for (int i = from; i < to; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          float v = rows[i * d + j];
          s += v * v;
        }
        inv[i] = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
      }
    });
    List<int[]> list = batches.batches();
    int b = batches.batchSize();
    if (list.size() * (long) b > n) {
      throw new InvalidInputException("batches hold more items than the rows (" + n + ")");
    }
    for (int[] batch : list) {
      for (int item : batch) {
        if (item < 0 || item >= n) {
          throw new InvalidInputException("batch item " + item + " is out of range [0, " + n + ")");
        }
      }
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    double[] mined = score(list.size(), b, (i, j) -> list.get(i)[j], labels, rows, inv, d, threads);
    double[] random = score(list.size(), b, (i, j) -> perm[i * b + j], labels, rows, inv, d, threads);
    return new BatchHardness(mined[1] > 0 ? mined[0] / mined[1] : Double.NaN,
        random[1] > 0 ? random[0] / random[1] : Double.NaN, (int) mined[1]);
  }

  private interface Member {
    int at(int batch, int position);
  }

  /** Sum of hardest-negative cosines and number of items counted. */
  private static double[] score(int batches, int b, Member member, int[] labels, float[] rows, float[] inv, int d,
      int threads) {
    double[] sum = new double[batches];
    int[] cnt = new int[batches];
    Parallel.forRange(threads, batches, 8, (from, to) -> {
      int[] ids = new int[b];
      for (int x = from; x < to; x++) {
        for (int j = 0; j < b; j++) {
          ids[j] = member.at(x, j);
        }
        for (int i = 0; i < b; i++) {
          int a = ids[i];
          double best = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < b; j++) {
            int c = ids[j];
            if (c == a || (labels == null ? false : labels[c] == labels[a])) {
              continue;
            }
            double dot = 0;
            int oa = a * d;
            int oc = c * d;
            for (int q = 0; q < d; q++) {
              dot += rows[oa + q] * rows[oc + q];
            }
            best = Math.max(best, dot * inv[a] * inv[c]);
          }
          if (best > Double.NEGATIVE_INFINITY) {
            sum[x] += best;
            cnt[x]++;
          }
        }
      }
    });
    double s = 0;
    long c = 0;
    for (int x = 0; x < batches; x++) {
      s += sum[x];
      c += cnt[x];
    }
    return new double[] {s, c};
  }
}
