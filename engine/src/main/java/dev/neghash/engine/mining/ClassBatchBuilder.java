package dev.neghash.engine.mining;

import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * P x K batches for class-labelled data: each batch holds P = batchSize / K labels with K items
 * each, the items of one label side by side. The top-k lists decide which labels and items share
 * a batch:
 *
 * <ol>
 *   <li>A batch opens with the next unused anchor of a seeded random order.
 *   <li>Its members are expanded in the order they joined: each pulls in its neighbours (half the
 *       nearest, half drawn at random from the rest of its top-k, as in {@link BatchBuilder}; only
 *       ranks {@code [rankFrom, k)} of the list when a rank window is set). A neighbour joins the
 *       group of its label when that group has room, or opens a group for its label while the
 *       batch has fewer than its mined labels. Members therefore sit close to
 *       members of other labels: the labels an anchor is confused with, and the items that confuse
 *       them.
 *   <li>When the expansion runs dry before the mined labels are reached, the label the batch is
 *       most confused with opens the next group: the first unused item, by rank, in the rank
 *       windows of the members' top-k lists whose label is not in the batch yet (of the first two
 *       such labels, the one with more unused items; the next anchor of the seeded order when
 *       there is none); the expansion goes on from it.
 *   <li>A group still short of K items is filled with its opener's hard positives: the unused items
 *       of its label farthest from it in Hamming distance (among a seeded sample of at most {@value
 *       #HARD_POSITIVE_SAMPLE} of them; random items of the label when no codes are given).
 *   <li>{@code round(randomShare x P)} labels per batch are random: opened by the next anchors of
 *       the seeded order and filled with random unused items of their label.
 * </ol>
 *
 * <p>Every item is used at most once per epoch. A label can open a group only while it has K unused
 * items; the walk stops when fewer than P labels do, and what remains is left out. Among labels
 * that the order offers, the builder prefers those with the most unused items when it has to pick
 * a label at random, so that the labels run out together and little is left out. The result
 * depends only on the inputs and the seed.
 *
 * <p>About 370 lines: the walk's state (used items, open groups, per-label pools and the label
 * confusion counts) is shared by every step of one epoch's walk, so it stays in one class.
 */
public final class ClassBatchBuilder {

  /** Same-label items a group's opener compares against to find its hard positives. */
  public static final int HARD_POSITIVE_SAMPLE = 256;

  private ClassBatchBuilder() {}


  /**
   * Builds P x K batches over items {@code 0..nb.n()-1}.
   *
   * @param labels label per item (required)
   * @param codes the items' codes for hard positives, or null to fill groups with random items of
   *     their label
   * @throws dev.neghash.engine.InvalidInputException when the labels cannot fill one batch
   */
  public static Batches build(Neighbours nb, int[] labels, PackedCodes codes, BatchOptions o) {
    if (!o.perLabel()) {
      throw new IllegalArgumentException("P x K batches need itemsPerLabel");
    }
    int n = nb.n();
    o.checkFeasible(labels, n);
    o.checkRankWindow(nb.k());
    if (codes != null && codes.n() != n) {
      throw new IllegalArgumentException("codes (" + codes.n() + ") do not match items (" + n + ")");
    }
    return new ClassBatchBuilder.Walk(nb, labels, codes, o).run();
  }

  private static final class Walk {
    final Neighbours nb;
    final PackedCodes codes;
    final BatchOptions o;
    final int n;
    final int k;
    final int p;
    final int[] label; // dense label index per item
    final int[][] members; // items per dense label, in a seeded random order
    final int[] cursor; // first possibly unused position in members[l]
    final int[] unused; // unused items per label
    final boolean[] used;
    final int[] order;
    int orderCursor;
    int eligible; // labels with at least k unused items
    final int[] slotOf; // group slot of a label in the current batch, -1 when absent
    final RandomGenerator rng;

    Walk(Neighbours nb, int[] labels, PackedCodes codes, BatchOptions o) {
      this.nb = nb;
      this.codes = codes;
      this.o = o;
      this.n = nb.n();
      this.k = o.itemsPerLabel();
      this.p = o.labelsPerBatch();
      int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
      this.label = new int[n];
      int[] count = new int[distinct.length];
      for (int i = 0; i < n; i++) {
        label[i] = Arrays.binarySearch(distinct, labels[i]);
        count[label[i]]++;
      }
      this.members = new int[distinct.length][];
      for (int l = 0; l < distinct.length; l++) {
        members[l] = new int[count[l]];
      }
      int[] fill = new int[distinct.length];
      for (int i = 0; i < n; i++) {
        members[label[i]][fill[label[i]]++] = i;
      }
      for (int l = 0; l < distinct.length; l++) {
        shuffle(members[l], members[l].length, random(NegativeMiner.mix(o.seed() ^ 0x5DEECE66DL, l)));
      }
      this.cursor = new int[distinct.length];
      this.unused = count.clone();
      for (int c : count) {
        if (c >= k) {
          eligible++;
        }
      }
      this.used = new boolean[n];
      this.rng = random(o.seed());
      this.order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      shuffle(order, n, rng);
      this.slotOf = new int[distinct.length];
      Arrays.fill(slotOf, -1);
    }

    Batches run() {
      List<int[]> batches = new ArrayList<>();
      int b = o.batchSize();
      int randomLabels = (int) Math.round(o.randomShare() * p);
      int minedLabels = p - randomLabels;
      int[][] group = new int[p][k];
      int[] groupFill = new int[p];
      int[] groupLabel = new int[p];
      int[] batchOrder = new int[b]; // members in the order they joined
      int[] pool = new int[nb.k()];
      while (eligible >= p) {
        int groups = 0;
        int joined = 0;
        int expanded = 0;
        // Mined labels: anchors and the neighbours they pull in.
        while (groups < minedLabels) {
          if (expanded == joined) {
            int a = groups == 0 ? nextAnchor() : confusedOpener(batchOrder, joined);
            groupLabel[groups] = label[a];
            slotOf[label[a]] = groups;
            groupFill[groups] = 0;
            groups++;
            take(a, group, groupFill, batchOrder, joined++);
          }
          while (expanded < joined) {
            int m = batchOrder[expanded++];
            int want = BatchBuilder.pull(nb, m, o, pool);
            for (int i = 0; i < want; i++) {
              int c = pool[i];
              if (used[c]) {
                continue;
              }
              int l = label[c];
              int s = slotOf[l];
              if (s >= 0 && groupFill[s] < k) {
                take(c, group, groupFill, batchOrder, joined++);
              } else if (s < 0 && groups < minedLabels && unused[l] >= k) {
                groupLabel[groups] = l;
                slotOf[l] = groups;
                groupFill[groups] = 0;
                groups++;
                take(c, group, groupFill, batchOrder, joined++);
              }
            }
            if (groups == minedLabels && allFull(groupFill, groups)) {
              break;
            }
          }
        }
        // Random labels: the next anchors of the seeded order, filled at random below.
        while (groups < p) {
          int a = nextAnchor();
          groupLabel[groups] = label[a];
          slotOf[label[a]] = groups;
          groupFill[groups] = 0;
          groups++;
          take(a, group, groupFill, batchOrder, joined++);
        }
        // Fill what is short: hard positives of mined groups' openers, random items otherwise.
        for (int s = 0; s < p; s++) {
          if (groupFill[s] < k && s < minedLabels && codes != null) {
            hardPositives(group[s][0], group, groupFill, s, batchOrder, joined);
            joined = countJoined(groupFill, p);
          }
          while (groupFill[s] < k) {
            take(nextOfLabel(groupLabel[s]), group, groupFill, batchOrder, joined++);
          }
        }
        int[] batch = new int[b];
        for (int s = 0; s < p; s++) {
          System.arraycopy(group[s], 0, batch, s * k, k);
          slotOf[groupLabel[s]] = -1;
        }
        batches.add(batch);
      }
      return new Batches(b, batches, n - batches.size() * b);
    }

    /**
     * An item of the label the batch is most confused with: the first unused item, by rank and then
     * by joining order, in the rank windows {@code [rankFrom, k)} of the members' top-k lists whose
     * label can open a group and is not in the batch; the next anchor of the seeded order when there
     * is none.
     */
    int confusedOpener(int[] batchOrder, int joined) {
      int best = -1;
      for (int r = o.rankFrom(); r < nb.k(); r++) {
        for (int i = 0; i < joined; i++) {
          int m = batchOrder[i];
          if (r >= nb.count(m)) {
            continue;
          }
          int c = nb.id(m, r);
          int l = label[c];
          if (!used[c] && slotOf[l] < 0 && unused[l] >= k) {
            if (best < 0) {
              best = c;
            } else if (l != label[best]) {
              // Of the two most confused labels, the one with more unused items: labels run out together.
              return unused[l] > unused[label[best]] ? c : best;
            }
          }
        }
      }
      return best >= 0 ? best : nextAnchor();
    }

    /**
     * The next unused anchor of the seeded order whose label can open a group and is not in the
     * batch. Among the first few such anchors, the one whose label has the most unused items wins,
     * so that labels run out together.
     */
    int nextAnchor() {
      while (used[order[orderCursor]]) {
        orderCursor++;
      }
      int best = -1;
      int seen = 0;
      for (int i = orderCursor; i < n && seen < 4; i++) {
        int a = order[i];
        int l = label[a];
        if (used[a] || slotOf[l] >= 0 || unused[l] < k) {
          continue;
        }
        seen++;
        if (best < 0 || unused[l] > unused[label[best]]) {
          best = a;
        }
      }
      if (best < 0) {
        throw new IllegalStateException("no label left to open a group"); // eligible >= p rules this out
      }
      return best;
    }

    /** A random unused item of dense label {@code l}. */
    int nextOfLabel(int l) {
      int[] m = members[l];
      while (used[m[cursor[l]]]) {
        cursor[l]++;
      }
      return m[cursor[l]];
    }

    /** Adds the opener's farthest unused same-label items (in a seeded sample) to group {@code s}. */
    void hardPositives(int opener, int[][] group, int[] groupFill, int s, int[] batchOrder, int joined) {
      int l = label[opener];
      int[] m = members[l];
      int need = k - groupFill[s];
      int[] cand = new int[HARD_POSITIVE_SAMPLE];
      int[] dist = new int[HARD_POSITIVE_SAMPLE];
      int c = 0;
      for (int i = cursor[l]; i < m.length && c < HARD_POSITIVE_SAMPLE; i++) {
        if (!used[m[i]]) {
          cand[c] = m[i];
          dist[c] = codes.distance(opener, m[i]);
          c++;
        }
      }
      for (int t = 0; t < need && t < c; t++) {
        int best = t;
        for (int j = t + 1; j < c; j++) {
          if (dist[j] > dist[best] || (dist[j] == dist[best] && cand[j] < cand[best])) {
            best = j;
          }
        }
        int ti = cand[t];
        int td = dist[t];
        cand[t] = cand[best];
        dist[t] = dist[best];
        cand[best] = ti;
        dist[best] = td;
        take(cand[t], group, groupFill, batchOrder, joined++);
      }
    }

    void take(int item, int[][] group, int[] groupFill, int[] batchOrder, int at) {
      int l = label[item];
      int s = slotOf[l];
      used[item] = true;
      group[s][groupFill[s]++] = item;
      batchOrder[at] = item;
      if (unused[l]-- == k) {
        eligible--;
      }
    }

    boolean allFull(int[] groupFill, int groups) {
      for (int s = 0; s < groups; s++) {
        if (groupFill[s] < k) {
          return false;
        }
      }
      return true;
    }

    static int countJoined(int[] groupFill, int groups) {
      int t = 0;
      for (int s = 0; s < groups; s++) {
        t += groupFill[s];
      }
      return t;
    }
  }

  private static RandomGenerator random(long seed) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  private static void shuffle(int[] a, int len, RandomGenerator rng) {
    for (int i = len - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
