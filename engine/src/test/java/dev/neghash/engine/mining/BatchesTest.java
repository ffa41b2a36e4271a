package dev.neghash.engine.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static final NegHash NEGHASH = NegHash.builder().bits(256).seed(3).threads(2).build();

  /** {@code n} items in {@code classes} balanced labels (shuffled), each row its class centre plus noise. */
  private record Data(float[] rows, int[] labels, int d, PackedCodes codes, Neighbours nb) {}

  private static Data clustered(int n, int classes, int d, double noise, int k, long seed) {
    Random r = new Random(seed);
    float[][] centres = new float[classes][d];
    for (float[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    float[] rows = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        rows[i * d + j] = centres[labels[i]][j] + (float) (noise * r.nextGaussian());
      }
    }
    PackedCodes codes = NEGHASH.encode(rows, n, d);
    Neighbours nb = NEGHASH.search(codes, SearchOptions.k(k).labels(labels));
    return new Data(rows, labels, d, codes, nb);
  }

  @Test
  void sample4GeoWalkPacksBalancedLabelsCompletely() {
    Data x = clustered(3000, 10, 32, 0.8, 64, 1);
    Batches b = NEGHASH.batches(x.nb(), x.labels(), BatchOptions.of(10, 1));
    assertThat(b.leftOut()).isZero();
    assertThat(b.batches()).hasSize(300);
    assertThat(b.flat()).doesNotHaveDuplicates();
    for (int[] batch : b.batches()) {
      assertThat(labelsOf(batch, x.labels())).hasSize(10);
    }
    // The walk is the same as with a tight pass bound; more passes only add batches at the end.
    Batches bounded = NEGHASH.batches(x.nb(), x.labels(), new BatchOptions(10, 5, 1, 8));
    assertThat(bounded.leftOut()).isPositive();
    assertThat(b.batches().subList(0, bounded.batches().size())).usingRecursiveComparison()
        .isEqualTo(bounded.batches());
  }

  @Test
  void perLabelBatchesHoldPLabelsOfKItemsEachItemOnce() {
    Data x = clustered(3000, 10, 32, 0.8, 64, 2);
    for (double share : new double[] {0, 0.5, 1}) {
      BatchOptions o = new BatchOptions(24, 12, 5, 8, 4, share);
      Batches b = NEGHASH.batches(x.nb(), x.labels(), x.codes(), o);
      assertThat(b.batchSize()).isEqualTo(24);
      assertThat(b.flat()).as("no item twice in an epoch").doesNotHaveDuplicates();
      assertThat(b.leftOut()).isEqualTo(3000 - 24 * b.batches().size());
      // 10 balanced labels of 300 and 6 labels x 4 per batch: mined labels run out a little unevenly.
      assertThat(b.leftOut()).as("share " + share).isLessThanOrEqualTo(3000 * 3 / 100);
      for (int[] batch : b.batches()) {
        Set<Integer> seen = new HashSet<>();
        for (int g = 0; g < 6; g++) {
          int l = x.labels()[batch[g * 4]];
          assertThat(seen.add(l)).as("a label once per batch").isTrue();
          for (int i = 0; i < 4; i++) {
            assertThat(x.labels()[batch[g * 4 + i]]).as("group of K items of one label").isEqualTo(l);
          }
        }
      }
      assertThat(NEGHASH.batches(x.nb(), x.labels(), x.codes(), o).flat()).containsExactly(b.flat());
      assertThat(NEGHASH.batches(x.nb(), x.labels(), x.codes(), new BatchOptions(24, 12, 6, 8, 4, share)).flat())
          .isNotEqualTo(b.flat());
    }
  }

  @Test
  void perLabelBatchesWorkWithoutCodesAndOnUnevenLabels() {
    Data x = clustered(1000, 7, 16, 0.8, 32, 3);
    int[] labels = x.labels().clone();
    for (int i = 0; i < 1000; i += 3) {
      labels[i] = 0; // label 0 dominates
    }
    Neighbours nb = NEGHASH.search(x.codes(), SearchOptions.k(32).labels(labels));
    Batches b = NEGHASH.batches(nb, labels, new BatchOptions(12, 6, 1, 8, 3, 0));
    assertThat(b.flat()).doesNotHaveDuplicates();
    assertThat(b.batches()).isNotEmpty();
    for (int[] batch : b.batches()) {
      assertThat(labelsOf(batch, labels)).hasSize(4);
    }
    Map<Integer, Integer> unused = new HashMap<>();
    for (int l : labels) {
      unused.merge(l, 1, Integer::sum);
    }
    for (int i : b.flat()) {
      unused.merge(labels[i], -1, Integer::sum);
    }
    // The walk ends only when fewer than P = 4 labels still have K = 3 unused items.
    assertThat(unused.values().stream().filter(c -> c >= 3).count()).isLessThan(4);
  }

  @Test
  void minedBatchesAreHarderThanRandomOnes() {
    Data x = clustered(4000, 20, 32, 1.2, 64, 4);
    BatchHardness s4g = NEGHASH.batchHardness(NEGHASH.batches(x.nb(), x.labels(), BatchOptions.of(16, 1)), x.labels(),
        x.rows(), x.d(), 9);
    assertThat(s4g.mined()).isGreaterThan(s4g.random() + 0.05);
    BatchHardness pk = NEGHASH.batchHardness(
        NEGHASH.batches(x.nb(), x.labels(), x.codes(), new BatchOptions(32, 16, 1, 8, 4, 0)), x.labels(), x.rows(),
        x.d(), 9);
    BatchHardness pkRandom = NEGHASH.batchHardness(
        NEGHASH.batches(x.nb(), x.labels(), x.codes(), new BatchOptions(32, 16, 1, 8, 4, 1)), x.labels(), x.rows(),
        x.d(), 9);
    assertThat(pk.mined()).isGreaterThan(pk.random() + 0.05);
    assertThat(pk.mined()).isGreaterThan(pkRandom.mined() + 0.05);
    assertThat(pkRandom.mined()).isCloseTo(pkRandom.random(), within(0.05));
  }

  @Test
  void hardnessIsTheMeanHighestOtherLabelCosineInTheBatch() {
    float[] rows = {1, 0, 0.8f, 0.6f, 0, 1, -1, 0};
    int[] labels = {0, 1, 0, 1};
    Batches b = new Batches(2, List.of(new int[] {0, 1}, new int[] {2, 3}), 0);
    BatchHardness h = BatchHardness.measure(b, labels, rows, 2, 1, 1);
    // Batch {0, 1}: cos = 0.8 for both; batch {2, 3}: cos((0,1), (-1,0)) = 0 for both.
    assertThat(h.mined()).isCloseTo(0.4, within(1e-6));
    assertThat(h.items()).isEqualTo(4);
    Batches same = new Batches(2, List.of(new int[] {0, 2}), 2);
    assertThat(BatchHardness.measure(same, labels, rows, 2, 1, 1).mined()).isNaN();
    assertThatThrownBy(() -> BatchHardness.measure(b, labels, rows, 3, 1, 1)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void batchSizesTheLabelsCannotMeetAreRefusedNamingWhy() {
    Data x = clustered(600, 10, 16, 0.8, 32, 5);
    assertThatThrownBy(() -> NEGHASH.batches(x.nb(), x.labels(), BatchOptions.of(64, 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("batch size 64 needs at least 64 distinct labels for batches without repeated labels; the labels"
            + " have 10 — use itemsPerLabel (P x K batches)");
    assertThatThrownBy(() -> NEGHASH.batches(x.nb(), x.labels(), BatchOptions.of(64, 1).withItemsPerLabel(4)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("batch size 64 with itemsPerLabel 4 needs 16 labels with at least 4 items each; the labels have 10"
            + " such (of 10 distinct) — use a batch size of at most 40 or more items per label");
    assertThatThrownBy(() -> NEGHASH.batches(x.nb(), null, BatchOptions.of(8, 1).withItemsPerLabel(4)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs labels");
    assertThatThrownBy(() -> NEGHASH.batches(x.nb(), x.labels(), BatchOptions.of(700, 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exceeds the number of items (600)");
    assertThatThrownBy(() -> BatchOptions.of(64, 1).withItemsPerLabel(5)).hasMessageContaining("not a multiple");
    assertThatThrownBy(() -> BatchOptions.of(64, 1).withItemsPerLabel(1)).hasMessageContaining("itemsPerLabel");
    assertThatThrownBy(() -> BatchOptions.of(64, 1).withRandomShare(0.5)).hasMessageContaining("needs itemsPerLabel");
    assertThatThrownBy(() -> BatchOptions.of(64, 1).withItemsPerLabel(4).withRandomShare(1.5))
        .hasMessageContaining("randomShare");
    // Feasible settings pass the same check.
    BatchOptions.of(8, 1).withItemsPerLabel(4).checkFeasible(x.labels(), 600);
  }

  private static Set<Integer> labelsOf(int[] batch, int[] labels) {
    Set<Integer> s = new HashSet<>();
    for (int i : batch) {
      s.add(labels[i]);
    }
    return s;
  }
}
