package dev.neghash.engine.lsh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.TestData;
import org.junit.jupiter.api.Test;

/**
 * For uncentred random hyperplanes P[bit differs] = angle / pi, so the mean of h/b over many pairs
 * matches the mean of angle/pi.
 */
class TheoryTest {

  @Test
  void hammingFractionEstimatesAngleOverPi() {
    int d = 64;
    int n = 400;
    int bits = 1024; // 16 independent orthonormal blocks of 64
    float[] x = TestData.gaussian(n, d, 77);
    // Pull pairs together so the angles spread over (0, pi/2) instead of all near pi/2.
    for (int r = 1; r < n; r += 2) {
      for (int i = 0; i < d; i++) {
        x[r * d + i] = 0.6f * x[(r - 1) * d + i] + 0.4f * x[r * d + i];
      }
    }
    Encoder.normalizeRows(x, n, d);
    PackedCodes codes = new Encoder(d, Encoder.Options.of(bits, 5).withCenter(false)).encode(x, n).codes();
    double sumFrac = 0;
    double sumTheta = 0;
    double sumVar = 0;
    int pairs = 0;
    for (int r = 0; r + 1 < n; r += 2) {
      double dot = 0;
      for (int i = 0; i < d; i++) {
        dot += (double) x[r * d + i] * x[(r + 1) * d + i];
      }
      double p = Math.acos(Math.max(-1, Math.min(1, dot))) / Math.PI;
      sumTheta += p;
      sumFrac += codes.distance(r, r + 1) / (double) bits;
      sumVar += p * (1 - p) / bits;
      pairs++;
    }
    double meanFrac = sumFrac / pairs;
    double meanTheta = sumTheta / pairs;
    // Standard error of the mean of independent binomial fractions; orthonormal rows within a
    // block only reduce the variance. Six sigma keeps the seeded test robust yet tight.
    double se = Math.sqrt(sumVar) / pairs;
    assertThat(meanTheta).isBetween(0.1, 0.4);
    assertThat(Math.abs(meanFrac - meanTheta)).isLessThan(6 * se);
  }
}
