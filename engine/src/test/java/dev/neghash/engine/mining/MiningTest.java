package dev.neghash.engine.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.TestData;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MiningTest {

  private final PackedCodes codes = TestData.codes(600, 128, 3, false);
  private final int[] labels = TestData.labels(600, 12, 3);
  private final Neighbours nb = HammingSearch.self(codes, labels, 40, 2);

  @Test
  void topTakesTheNearestInOrder() {
    Negatives neg = NegativeMiner.mine(nb, MiningOptions.top(5));
    for (int a = 0; a < nb.n(); a++) {
      for (int i = 0; i < 5; i++) {
        assertThat(neg.ids()[a * 5 + i]).isEqualTo(nb.id(a, i));
        assertThat(neg.ranks()[a * 5 + i]).isEqualTo(i);
        assertThat(neg.hamming()[a * 5 + i]).isEqualTo(nb.hamming()[a * 40 + i]);
        assertThat(labels[neg.ids()[a * 5 + i]]).isNotEqualTo(labels[a]);
      }
    }
    assertThat(neg.shortAnchors()).isEmpty();
  }

  @Test
  void randomDrawsDistinctRanksInsideTheWindowAndIsSeeded() {
    MiningOptions o = new MiningOptions(MiningOptions.Strategy.RANDOM, 6, 10, 30, Double.NaN, 7);
    Negatives a = NegativeMiner.mine(nb, o);
    Negatives b = NegativeMiner.mine(nb, o);
    Negatives c = NegativeMiner.mine(nb, new MiningOptions(MiningOptions.Strategy.RANDOM, 6, 10, 30, Double.NaN, 8));
    assertThat(a.ids()).containsExactly(b.ids());
    assertThat(a.ids()).isNotEqualTo(c.ids());
    for (int x = 0; x < nb.n(); x++) {
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        int r = a.ranks()[x * 6 + i];
        assertThat(r).isBetween(10, 29);
        assertThat(seen.add(r)).isTrue();
        assertThat(a.ids()[x * 6 + i]).isEqualTo(nb.id(x, r));
      }
    }
  }

  @Test
  void ceilingSkipsNeighboursThatLookTooSimilarAndReportsShortAnchors() {
    double ceiling = Math.cos(Math.PI * 57 / 128.0); // admits h >= 57 only
    Negatives neg = NegativeMiner.mine(nb, new MiningOptions(MiningOptions.Strategy.TOP, 10, 0, 40, ceiling, 0));
    int shortCount = 0;
    for (int a = 0; a < nb.n(); a++) {
      int found = neg.found(a);
      for (int i = 0; i < found; i++) {
        assertThat(neg.hamming()[a * 10 + i]).isGreaterThanOrEqualTo(57);
      }
      for (int i = found; i < 10; i++) {
        assertThat(neg.ids()[a * 10 + i]).isEqualTo(-1);
      }
      if (found < 10) {
        shortCount++;
        assertThat(neg.shortAnchors()).contains(a);
      }
    }
    assertThat(neg.shortAnchors()).hasSize(shortCount);
    assertThat(shortCount).isPositive();
  }

  @Test
  void hardPositiveIsTheFarthestSameLabelItem() {
    HardPositives hp = HardPositives.find(codes, labels, codes, labels, true, 2);
    for (int a = 0; a < codes.n(); a++) {
      int best = -1;
      int bestD = -1;
      for (int c = 0; c < codes.n(); c++) {
        if (c != a && labels[c] == labels[a] && codes.distance(a, c) > bestD) {
          bestD = codes.distance(a, c);
          best = c;
        }
      }
      assertThat(hp.ids()[a]).isEqualTo(best);
      assertThat(hp.hamming()[a]).isEqualTo(bestD);
    }
  }

  @Test
  void batchesUseEveryItemAtMostOnceWithoutRepeatedLabels() {
    Batches b = BatchBuilder.build(nb, labels, BatchOptions.of(10, 5));
    Set<Integer> used = new HashSet<>();
    for (int[] batch : b.batches()) {
      assertThat(batch).hasSize(10);
      Set<Integer> labelsIn = new HashSet<>();
      for (int item : batch) {
        assertThat(used.add(item)).as("item %d used twice", item).isTrue();
        assertThat(labelsIn.add(labels[item])).as("label repeated").isTrue();
      }
    }
    assertThat(b.leftOut()).isEqualTo(600 - 10 * b.batches().size());
    assertThat(b.batches().size()).isGreaterThanOrEqualTo(55);
    assertThat(BatchBuilder.build(nb, labels, BatchOptions.of(10, 5)).flat()).containsExactly(b.flat());
    assertThat(BatchBuilder.build(nb, labels, BatchOptions.of(10, 6)).flat()).isNotEqualTo(b.flat());
  }

  @Test
  void batchesPullNeighboursOfTheirAnchors() {
    // With neighbours pulled in, many batch members sit in each other's top-k lists; a random
    // shuffle would almost never do that.
    Batches b = BatchBuilder.build(nb, labels, new BatchOptions(8, 6, 1, 8));
    int linked = 0;
    int total = 0;
    for (int[] batch : b.batches()) {
      Set<Integer> inBatch = new HashSet<>();
      for (int i : batch) {
        inBatch.add(i);
      }
      for (int i : batch) {
        total++;
        for (int r = 0; r < nb.k(); r++) {
          if (inBatch.contains(nb.id(i, r))) {
            linked++;
            break;
          }
        }
      }
    }
    assertThat(linked / (double) total).isGreaterThan(0.5);
  }

  @Test
  void rejectsBadOptions() {
    assertThatThrownBy(() -> new MiningOptions(MiningOptions.Strategy.TOP, 0, 0, 1, Double.NaN, 0)).hasMessageContaining("count");
    assertThatThrownBy(() -> new MiningOptions(MiningOptions.Strategy.RANDOM, 1, 5, 5, Double.NaN, 0)).hasMessageContaining("window");
    assertThatThrownBy(() -> MiningOptions.Strategy.parse("nearest")).hasMessageContaining("unknown strategy");
    assertThatThrownBy(() -> new BatchOptions(1, 0, 0, 1)).hasMessageContaining("batch size");
  }

  @Test
  void sampleIsSeededDistinctAndSorted() {
    int[] s = QualityReport.sampleAnchors(1000, 50, 3);
    assertThat(s).hasSize(50).isSorted().doesNotHaveDuplicates();
    assertThat(QualityReport.sampleAnchors(1000, 50, 3)).containsExactly(s);
    assertThat(QualityReport.sampleAnchors(10, 50, 3)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }
}
