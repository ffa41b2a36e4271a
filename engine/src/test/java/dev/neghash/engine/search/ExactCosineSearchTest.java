package dev.neghash.engine.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.TestData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Exact cosine search against a brute-force sort in double precision. */
class ExactCosineSearchTest {

  @Test
  void findsTheSameNeighboursAsABruteForceSort() {
    int n = 400;
    int d = 24;
    int k = 10;
    float[] x = TestData.gaussian(n, d, 9);
    int[] labels = TestData.labels(n, 4, 9);
    Neighbours nb = ExactCosineSearch.self(x, n, d, labels, k, 2);
    float[] u = ExactCosineSearch.normalized(x, n, d);
    for (int a = 0; a < n; a++) {
      double[] sims = new double[n];
      Integer[] order = new Integer[n];
      for (int c = 0; c < n; c++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += (double) u[a * d + i] * u[c * d + i];
        }
        sims[c] = s;
        order[c] = c;
      }
      final int anchor = a;
      Integer[] admissible = Arrays.stream(order)
          .filter(c -> c != anchor && labels[c] != labels[anchor])
          .sorted((p, q) -> Double.compare(sims[q], sims[p]))
          .limit(k).toArray(Integer[]::new);
      for (int r = 0; r < k; r++) {
        // Float and double sums may swap near-equal neighbours; compare similarities instead.
        assertThat((double) nb.similarity()[a * k + r]).isCloseTo(sims[admissible[r]], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(labels[nb.id(a, r)]).isNotEqualTo(labels[a]);
      }
    }
  }
}
