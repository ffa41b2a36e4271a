package dev.neghash.engine.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.TestData;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** A search handed over block by block gives, row for row, what the whole search gives. */
class StreamedSearchTest {

  private static final int N = 400;

  static Stream<KernelProvider> providers() {
    return KernelProviders.available().stream();
  }

  private static SearchOptions[] optionSets() {
    int[] labels = TestData.labels(N, 5, 9);
    int[] pairs = IntStream.range(0, 60).map(i -> i % 2 == 0 ? i * 3 : (i * 7 + 1) % N).toArray();
    int[] anchors = IntStream.range(0, N).filter(i -> i % 3 != 0).toArray();
    int[] candidates = IntStream.range(0, N).filter(i -> i % 4 != 1).toArray();
    return new SearchOptions[] {
      SearchOptions.k(16),
      SearchOptions.k(24).labels(labels),
      SearchOptions.k(24).labels(labels).positivePairs(pairs),
      SearchOptions.k(12).labels(labels).positivePairs(pairs).anchors(anchors),
      SearchOptions.k(12).labels(labels).anchors(anchors).candidates(candidates),
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void blocksConcatenateToTheWholeSearch(KernelProvider p) throws IOException {
    // Sparse codes: many equal distances, so the tie rule across block edges is exercised too.
    PackedCodes codes = TestData.codes(N, 192, 4, true);
    NegHash neghash = NegHash.builder().threads(2).kernels(p).build();
    for (SearchOptions o : optionSets()) {
      Neighbours whole = neghash.search(codes, o);
      for (int block : new int[] {1, 7, 64, 1000}) {
        List<Integer> firsts = new ArrayList<>();
        int[] ids = new int[whole.ids().length];
        int[] ham = new int[ids.length];
        neghash.search(codes, o, block, (first, nb) -> {
          firsts.add(first);
          System.arraycopy(nb.ids(), 0, ids, first * nb.k(), nb.ids().length);
          System.arraycopy(nb.hamming(), 0, ham, first * nb.k(), nb.hamming().length);
        });
        assertThat(ids).as("ids, block %d, %s", block, o).containsExactly(whole.ids());
        assertThat(ham).as("distances, block %d", block).containsExactly(whole.hamming());
        assertThat(firsts).as("blocks in order").isSorted()
            .hasSize((whole.n() + block - 1) / block);
      }
    }
  }

  @Test
  void negativesMinedPerBlockEqualNegativesMinedWhole() throws IOException {
    PackedCodes codes = TestData.codes(N, 128, 5, false);
    NegHash neghash = NegHash.builder().threads(2).build();
    SearchOptions o = SearchOptions.k(32).labels(TestData.labels(N, 3, 2));
    MiningOptions random = new MiningOptions(MiningOptions.Strategy.RANDOM, 6, 2, 30, 0.2, 77);
    Negatives whole = neghash.negatives(neghash.search(codes, o), random);
    int[] ids = new int[whole.ids().length];
    List<Integer> shortAnchors = new ArrayList<>();
    neghash.search(codes, o, 33, (first, nb) -> {
      Negatives part = neghash.negatives(nb, random, first);
      System.arraycopy(part.ids(), 0, ids, first * part.count(), part.ids().length);
      for (int a : part.shortAnchors()) {
        shortAnchors.add(a);
      }
    });
    assertThat(ids).containsExactly(whole.ids());
    assertThat(shortAnchors).containsExactlyElementsOf(IntStream.of(whole.shortAnchors()).boxed().toList());
    assertThat(whole.shortAnchors()).as("the cosine ceiling leaves some anchors short").isNotEmpty();
  }

  @Test
  void qualityFromTheSampledRowsAloneEqualsQualityFromAllLists() throws IOException {
    int d = 24;
    float[] x = TestData.gaussian(N, d, 3);
    NegHash neghash = NegHash.builder().bits(128).threads(2).build();
    PackedCodes codes = neghash.encode(x, N, d);
    SearchOptions o = SearchOptions.k(10).labels(TestData.labels(N, 4, 8));
    Neighbours whole = neghash.search(codes, o);
    QualityReport expected = neghash.quality(whole, FloatRows.of(x, d), N, d, o, 50, 5);
    int[] rows = neghash.qualityRows(N, 50, 5);
    QualityReport fromRows = neghash.quality(whole.rows(rows), rows, FloatRows.of(x, d), N, d, o);
    assertThat(fromRows).usingRecursiveComparison().isEqualTo(expected);
    assertThat(expected.sampled()).isEqualTo(50);
  }

  @Test
  void kIsCheckedBeforeAnyBlockIsHandedOver() {
    PackedCodes codes = TestData.codes(10, 64, 1, false);
    List<Integer> seen = new ArrayList<>();
    assertThatThrownBy(() -> NegHash.withDefaults().search(codes, SearchOptions.k(10), 4, (f, nb) -> seen.add(f)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("k must be between 1 and 9");
    assertThat(seen).isEmpty();
  }

  @Test
  void rowsOfExclusionsAdmitWhatTheWholeAdmits() {
    int[] labels = TestData.labels(50, 3, 1);
    Exclusions whole = Exclusions.ofItems(50, labels, new int[] {1, 2, 3, 40, 7, 7});
    Exclusions part = whole.rows(3, 20);
    for (int a = 3; a < 20; a++) {
      for (int c = 0; c < 50; c++) {
        assertThat(part.admits(a - 3, c)).as("anchor %d, candidate %d", a, c).isEqualTo(whole.admits(a, c));
      }
    }
  }
}
