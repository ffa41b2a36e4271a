package dev.neghash.engine.mining;

import dev.neghash.engine.search.Neighbours;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Builds the next epoch's batches from top-k lists, the scheme Sample4Geo used (step 7 of the
 * method): anchors are walked in a seeded random order; an unused anchor joins the current batch
 * and pulls in its neighbours, half the nearest and half drawn from the rest of its top-k (or of
 * the rank window {@code [rankFrom, k)} of it), skipping items already used this epoch and labels
 * already in the batch; a full batch is closed. Every item appears at most once per epoch and no
 * label twice in a batch; the last, incomplete batch is left out.
 */
public final class BatchBuilder {

  private BatchBuilder() {}

  /**
   * Builds batches over items {@code 0..nb.n()-1} (in query/reference mode: pair ids).
   *
   * @param labels label per item, or null when every item is its own class
   * @throws dev.neghash.engine.InvalidInputException when the labels cannot fill one batch (fewer
   *     distinct labels than the batch size), or the options ask for P x K batches
   */
  public static Batches build(Neighbours nb, int[] labels, BatchOptions o) {
    int n = nb.n();
    if (o.perLabel()) {
      throw new IllegalArgumentException("P x K batches (itemsPerLabel) are built by ClassBatchBuilder");
    }
    o.checkFeasible(labels, n);
    o.checkRankWindow(nb.k());
    RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(o.seed());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] used = new boolean[n];
    List<int[]> batches = new ArrayList<>();
    int b = o.batchSize();
    int[] current = new int[b];
    int[] fill = {0};
    Set<Integer> labelsIn = new HashSet<>();
    int[] queue = order;
    int queued = n;
    int[] pool = new int[nb.k()];
    for (int pass = 0; pass < o.maxPasses() && queued > 0; pass++) {
      int[] deferred = new int[queued];
      int nd = 0;
      int placedBefore = batches.size() * b + fill[0];
      for (int qi = 0; qi < queued; qi++) {
        int a = queue[qi];
        if (used[a]) {
          continue;
        }
        if (!labelsIn.add(label(labels, a))) {
          deferred[nd++] = a;
          continue;
        }
        place(a, used, current, fill, labelsIn, batches, b);
        // Pull neighbours: the nearest half of the rank window, then a seeded draw from the rest.
        int want = pull(nb, a, o, pool);
        for (int i = 0; i < want && fill[0] > 0; i++) {
          int c = pool[i];
          if (used[c] || labelsIn.contains(label(labels, c))) {
            continue;
          }
          labelsIn.add(label(labels, c));
          place(c, used, current, fill, labelsIn, batches, b);
        }
      }
      int placedAfter = batches.size() * b + fill[0];
      queue = deferred;
      queued = nd;
      if (placedAfter == placedBefore) {
        break;
      }
    }
    return new Batches(b, batches, n - batches.size() * b);
  }

  /**
   * Anchor {@code a}'s pull list, written to the front of {@code pool}: of the ranks {@code
   * [rankFrom, count)} of its top-k list, the nearest half of {@code neighbours}, then a draw from
   * the rest of the window seeded by the anchor. Returns how many it pulls.
   */
  static int pull(Neighbours nb, int a, BatchOptions o, int[] pool) {
    int from = o.rankFrom();
    int m = nb.count(a) - from;
    if (m <= 0) {
      return 0;
    }
    int want = Math.min(o.neighbours(), m);
    int near = (want + 1) / 2;
    for (int r = 0; r < m; r++) {
      pool[r] = nb.id(a, from + r);
    }
    RandomGenerator local =
        RandomGeneratorFactory.of("L64X128MixRandom").create(NegativeMiner.mix(o.seed(), a));
    int far = want - near;
    for (int i = 0; i < far && near + i < m; i++) {
      int j = near + i + local.nextInt(m - near - i);
      int t = pool[near + i];
      pool[near + i] = pool[j];
      pool[j] = t;
    }
    return want;
  }

  /** Adds {@code item} to the current batch (its label is already recorded); closes a full one. */
  private static void place(
      int item, boolean[] used, int[] current, int[] fill, Set<Integer> labelsIn,
      List<int[]> batches, int b) {
    used[item] = true;
    current[fill[0]++] = item;
    if (fill[0] == b) {
      batches.add(current.clone());
      fill[0] = 0;
      labelsIn.clear();
    }
  }

  private static int label(int[] labels, int i) {
    return labels == null ? i : labels[i];
  }
}
