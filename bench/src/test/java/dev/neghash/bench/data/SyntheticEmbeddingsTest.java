package dev.neghash.bench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SyntheticEmbeddingsTest {

  @Test
  void rowsDependOnlyOnSeedAndIndex() {
    SyntheticEmbeddings g = new SyntheticEmbeddings(1000, 64, 7);
    float[] whole = g.all(1);
    float[] part = new float[300 * 64];
    g.rows(450, 750, part, 3);
    for (int i = 0; i < part.length; i++) {
      assertThat(part[i]).isEqualTo(whole[450 * 64 + i]);
    }
    assertThat(new SyntheticEmbeddings(1000, 64, 7).all(2)).isEqualTo(whole);
    assertThat(new SyntheticEmbeddings(1000, 64, 8).all(2)).isNotEqualTo(whole);
  }

  @Test
  void rowsAreUnitAndClassesAreTighterThanTheRest() {
    int n = 2000;
    int d = 96;
    SyntheticEmbeddings g = new SyntheticEmbeddings(n, d, 1);
    float[] x = g.all(2);
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        s += x[r * d + i] * x[r * d + i];
      }
      assertThat(s).isCloseTo(1.0, within(1e-5));
    }
    double same = 0;
    double other = 0;
    double best = -1;
    int sameCount = 0;
    int otherCount = 0;
    for (int a = 0; a < 200; a++) {
      for (int c = 0; c < n; c++) {
        if (c == a) {
          continue;
        }
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += x[a * d + i] * x[c * d + i];
        }
        if (SyntheticEmbeddings.label(a) == SyntheticEmbeddings.label(c)) {
          same += dot;
          sameCount++;
        } else {
          other += dot;
          otherCount++;
          best = Math.max(best, dot);
        }
      }
    }
    assertThat(g.labels()[25]).isEqualTo(2);
    // Same class: about 1 / (1 + 0.5^2) = 0.8; other classes near 0 on average, but graded:
    // some other-class items come close (the hard negatives).
    assertThat(same / sameCount).isBetween(0.7, 0.9);
    assertThat(Math.abs(other / otherCount)).isLessThan(0.1);
    assertThat(best).isGreaterThan(0.5);
  }
}
