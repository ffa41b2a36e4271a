package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CrossCheckTest {

  // One anchor (item 7), k = 3. FAISS lists k + 1 = 4 entries, the anchor itself included.
  private static final int[] ANCHORS = {7};

  @Test
  void acceptsTheSameListsWithTheAnchorDropped() {
    assertThatCode(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {4, 2, 9}, new int[] {1, 2, 5},
        new int[] {7, 4, 2, 9}, new int[] {0, 1, 2, 5})).doesNotThrowAnyException();
  }

  @Test
  void acceptsDifferentIdsTiedAtTheKthDistance() {
    assertThatCode(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {4, 2, 9}, new int[] {1, 2, 5},
        new int[] {7, 4, 2, 11}, new int[] {0, 1, 2, 5})).doesNotThrowAnyException();
  }

  @Test
  void acceptsDuplicatesOfTheAnchorInsteadOfItself() {
    // Items 3 and 5 have the anchor's code; FAISS may return them and not the anchor.
    assertThatCode(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {3, 5, 8}, new int[] {0, 0, 0},
        new int[] {3, 5, 8, 9}, new int[] {0, 0, 0, 0})).doesNotThrowAnyException();
  }

  @Test
  void rejectsADifferentDistance() {
    assertThatThrownBy(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {4, 2, 9}, new int[] {1, 2, 5},
        new int[] {7, 4, 2, 9}, new int[] {0, 1, 2, 6}))
        .isInstanceOf(CrossCheck.Mismatch.class).hasMessageContaining("anchor 7").hasMessageContaining("distances differ");
  }

  @Test
  void rejectsADifferentNeighbourBelowTheKthDistance() {
    assertThatThrownBy(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {4, 2, 9}, new int[] {1, 2, 5},
        new int[] {7, 4, 3, 9}, new int[] {0, 1, 2, 5}))
        .isInstanceOf(CrossCheck.Mismatch.class).hasMessageContaining("nearer than the k-th");
  }

  @Test
  void rejectsAListWithoutTheAnchorsZero() {
    assertThatThrownBy(() -> CrossCheck.compare("t", ANCHORS, 3,
        new int[] {4, 2, 9}, new int[] {1, 2, 5},
        new int[] {4, 2, 9, 10}, new int[] {1, 2, 5, 5}))
        .isInstanceOf(CrossCheck.Mismatch.class).hasMessageContaining("nearest distance is 1");
  }

  @Test
  void engineSearchOnSampledAnchorsAgreesWithABruteForceListIncludingSelf() {
    int n = 700;
    int k = 10;
    SyntheticEmbeddings g = new SyntheticEmbeddings(n, 64, 3);
    PackedCodes codes = new Encoder(64, Encoder.Options.of(128, 5).withThreads(2), KernelProviders.get())
        .encode(g.all(2), n).codes();
    int[] anchors = QualityReport.sampleAnchors(n, 90, 11);
    Neighbours nb = Searches.hamming(codes, anchors, Rule.SELF, g.labels(), k, 2, KernelProviders.get());
    // What FAISS does: k + 1 nearest including the anchor, by (distance, id).
    int[] fIds = new int[anchors.length * (k + 1)];
    int[] fDist = new int[anchors.length * (k + 1)];
    for (int r = 0; r < anchors.length; r++) {
      long[] keys = new long[n];
      for (int c = 0; c < n; c++) {
        keys[c] = ((long) codes.distance(anchors[r], c) << 32) | c;
      }
      Arrays.sort(keys);
      for (int j = 0; j <= k; j++) {
        fIds[r * (k + 1) + j] = (int) keys[j];
        fDist[r * (k + 1) + j] = (int) (keys[j] >>> 32);
      }
    }
    assertThatCode(() -> CrossCheck.compare("engine", anchors, k, nb.ids(), nb.hamming(), fIds, fDist))
        .doesNotThrowAnyException();
    // And a corrupted engine list is caught.
    int[] bad = nb.hamming().clone();
    bad[5 * k + k - 1]++;
    assertThatThrownBy(() -> CrossCheck.compare("engine", anchors, k, nb.ids(), bad, fIds, fDist))
        .isInstanceOf(CrossCheck.Mismatch.class);
  }
}
