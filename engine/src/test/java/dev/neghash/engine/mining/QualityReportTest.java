package dev.neghash.engine.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.TestData;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.Neighbours;
import org.junit.jupiter.api.Test;

class QualityReportTest {

  @Test
  void exactNeighboursScorePerfectlyAndShuffledOnesDoNot() {
    int n = 500;
    int d = 16;
    int k = 10;
    float[] x = ExactCosineSearch.normalized(TestData.gaussian(n, d, 4), n, d);
    int[] labels = TestData.labels(n, 5, 4);
    Exclusions ex = Exclusions.labels(labels);
    Neighbours exact = ExactCosineSearch.self(x, n, d, labels, k, 2);
    QualityReport perfect = QualityReport.evaluate(exact, x, n, d, ex, 100, 1, 2, KernelProviders.get());
    assertThat(perfect.sampled()).isEqualTo(100);
    assertThat(perfect.overlap()).isEqualTo(1.0);
    assertThat(perfect.meanPositionalDistance()).isEqualTo(0.0);

    // Reverse each list: same set (overlap 1) but every neighbour displaced.
    int[] rev = exact.ids().clone();
    for (int a = 0; a < n; a++) {
      for (int i = 0; i < k / 2; i++) {
        int t = rev[a * k + i];
        rev[a * k + i] = rev[a * k + k - 1 - i];
        rev[a * k + k - 1 - i] = t;
      }
    }
    QualityReport reversed = QualityReport.evaluate(new Neighbours(n, k, rev, null, exact.similarity(), 0),
        x, n, d, ex, 100, 1, 2, KernelProviders.get());
    assertThat(reversed.overlap()).isEqualTo(1.0);
    assertThat(reversed.meanPositionalDistance()).isEqualTo(5.0); // mean |2i - 9| over i = 0..9

    // Neighbours taken from the far end of the exact order.
    Neighbours farthest = ExactCosineSearch.search(scaled(x, -1f), x, d, ex, k, 2,
        KernelProviders.get(), dev.neghash.engine.Progress.NONE);
    QualityReport bad = QualityReport.evaluate(farthest, x, n, d, ex, 100, 1, 2, KernelProviders.get());
    assertThat(bad.overlap()).isEqualTo(0.0);
    assertThat(bad.meanPositionalDistance()).isGreaterThan(300);
  }

  private static float[] scaled(float[] x, float s) {
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] *= s;
    }
    return y;
  }
}
