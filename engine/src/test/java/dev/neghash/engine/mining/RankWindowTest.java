package dev.neghash.engine.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rank window of {@link BatchOptions#rankFrom()} in both batch builders. */
class RankWindowTest {

  private static final NegHash NEGHASH = NegHash.builder().bits(256).seed(3).threads(2).build();
  private static final int CORE = 1000;
  private static final int K = 24;
  private static final int BAIT_RANKS = 8;

  /**
   * 1000 core items followed by 1000 bait items. A core item's list holds 8 bait items at ranks
   * 0..7 and core items after them; a bait item's list holds core items only. With a rank window
   * from 8, no anchor can pull a bait item: bait items reach batches only as anchors of the walk.
   */
  private static Neighbours baited(long seed) {
    Random r = new Random(seed);
    int n = 2 * CORE;
    int[] ids = new int[n * K];
    for (int a = 0; a < n; a++) {
      Set<Integer> row = new HashSet<>();
      for (int rank = 0; rank < K; rank++) {
        boolean bait = a < CORE && rank < BAIT_RANKS;
        int c;
        do {
          c = (bait ? CORE : 0) + r.nextInt(CORE);
        } while (c == a || !row.add(c));
        ids[a * K + rank] = c;
      }
    }
    return new Neighbours(n, K, ids, null, null, 0);
  }

  /** Core items sharing a batch with one of their first 8 list entries. */
  private static int baitedPairs(Neighbours nb, Batches b) {
    int[] batchOf = new int[nb.n()];
    Arrays.fill(batchOf, -1);
    for (int i = 0; i < b.batches().size(); i++) {
      for (int item : b.batches().get(i)) {
        batchOf[item] = i;
      }
    }
    int pairs = 0;
    for (int c = 0; c < CORE; c++) {
      for (int rank = 0; rank < BAIT_RANKS; rank++) {
        if (batchOf[c] >= 0 && batchOf[c] == batchOf[nb.id(c, rank)]) {
          pairs++;
        }
      }
    }
    return pairs;
  }

  @Test
  void pullListsComeFromTheWindowOnly() {
    Neighbours nb = baited(1);
    int[] pool = new int[K];
    for (int from : new int[] {0, 3, 8, 20, 23}) {
      BatchOptions o = new BatchOptions(16, 10, 5, 8).withRankFrom(from);
      for (int a = 0; a < nb.n(); a++) {
        int want = BatchBuilder.pull(nb, a, o, pool);
        assertThat(want).isEqualTo(Math.min(10, K - from));
        Set<Integer> window = new HashSet<>();
        for (int rank = from; rank < K; rank++) {
          window.add(nb.id(a, rank));
        }
        int[] pulled = Arrays.copyOf(pool, want);
        assertThat(pulled).as("anchor %d, window from %d", a, from).doesNotHaveDuplicates();
        for (int c : pulled) {
          assertThat(window).as("anchor %d, window from %d", a, from).contains(c);
        }
        // The nearest half of the window comes first, in rank order.
        for (int i = 0; i < (want + 1) / 2; i++) {
          assertThat(pulled[i]).isEqualTo(nb.id(a, from + i));
        }
      }
    }
  }

  @Test
  void sample4GeoBatchesNoLongerPullTheNearestRanks() {
    Neighbours nb = baited(2);
    Batches whole = BatchBuilder.build(nb, null, new BatchOptions(16, 8, 7, 8));
    Batches window = BatchBuilder.build(nb, null, new BatchOptions(16, 8, 7, 8).withRankFrom(BAIT_RANKS));
    assertThat(window.flat()).doesNotHaveDuplicates();
    assertThat(window.batches()).hasSameSizeAs(whole.batches());
    // Whole lists: every core anchor pulls its 4 nearest, all bait (461 pairs with this seed). Window
    // from 8: a bait item shares a batch with its core item only when the walk's order puts it there
    // as an anchor (30 pairs).
    assertThat(baitedPairs(nb, whole)).isGreaterThan(300);
    assertThat(baitedPairs(nb, window)).isLessThan(50);
  }

  @Test
  void perLabelBatchesNoLongerPullTheNearestRanks() {
    Neighbours nb = baited(3);
    int[] labels = new int[nb.n()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / 20; // 100 labels of 20 items: 50 core labels, 50 bait labels
    }
    BatchOptions o = new BatchOptions(16, 8, 7, 8, 4, 0);
    Batches whole = ClassBatchBuilder.build(nb, labels, null, o);
    Batches window = ClassBatchBuilder.build(nb, labels, null, o.withRankFrom(BAIT_RANKS));
    assertThat(window.flat()).doesNotHaveDuplicates();
    for (int[] batch : window.batches()) {
      for (int g = 0; g < 4; g++) {
        for (int i = 1; i < 4; i++) {
          assertThat(labels[batch[g * 4 + i]]).isEqualTo(labels[batch[g * 4]]);
        }
      }
    }
    // 245 pairs against 16 with this seed: bait labels join only as openers from the seeded order.
    assertThat(baitedPairs(nb, whole)).isGreaterThan(150);
    assertThat(baitedPairs(nb, window)).isLessThan(40);
  }

  @Test
  void windowFromZeroIsTheDefaultWalk() {
    // Checksums of both walks as they were before the rank window existed.
    Random r = new Random(11);
    int n = 2000;
    int d = 24;
    int[] labels = new int[n];
    float[] rows = new float[n * d];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(40);
    }
    for (int i = 0; i < n * d; i++) {
      rows[i] = (float) r.nextGaussian();
    }
    PackedCodes codes = NEGHASH.encode(rows, n, d);
    Neighbours nb = NEGHASH.search(codes, SearchOptions.k(48).labels(labels));
    BatchOptions s4g = new BatchOptions(16, 8, 7, 8);
    BatchOptions pk = new BatchOptions(32, 16, 7, 8, 4, 0.25);
    assertThat(s4g.rankFrom()).isZero();
    assertThat(Arrays.hashCode(NEGHASH.batches(nb, labels, s4g).flat())).isEqualTo(66578860);
    assertThat(Arrays.hashCode(NEGHASH.batches(nb, labels, codes, pk).flat())).isEqualTo(1988730609);
    assertThat(NEGHASH.batches(nb, labels, s4g.withRankFrom(4)).flat())
        .isNotEqualTo(NEGHASH.batches(nb, labels, s4g).flat());
    assertThat(NEGHASH.batches(nb, labels, codes, pk.withRankFrom(4)).flat())
        .isNotEqualTo(NEGHASH.batches(nb, labels, codes, pk).flat());
  }

  @Test
  void windowsPastTheListAreRefusedNamingBothNumbers() {
    Neighbours nb = baited(4);
    assertThatThrownBy(() -> BatchBuilder.build(nb, null, new BatchOptions(16, 8, 7, 8).withRankFrom(K)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("rankFrom 24 must be below the neighbour list length k (24): anchors draw from ranks [rankFrom, k)");
    int[] labels = new int[nb.n()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / 20;
    }
    assertThatThrownBy(() -> ClassBatchBuilder.build(nb, labels, null,
        new BatchOptions(16, 8, 7, 8, 4, 0).withRankFrom(30)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("rankFrom 30 must be below");
    assertThatThrownBy(() -> new BatchOptions(16, 8, 7, 8).withRankFrom(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rankFrom must be >= 0, got -1");
    // The last rank alone is a window.
    assertThat(BatchBuilder.build(nb, null, new BatchOptions(16, 8, 7, 8).withRankFrom(K - 1)).batches()).isNotEmpty();
  }
}
