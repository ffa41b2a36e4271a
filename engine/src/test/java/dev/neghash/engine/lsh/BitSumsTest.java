package dev.neghash.engine.lsh;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitSumsTest {

  @Test
  void sumsAreExactAndIndependentOfOrderAndSplit() {
    int bits = 3;
    int n = 5000;
    Random rnd = new Random(1);
    float[] z = new float[n * bits];
    for (int i = 0; i < z.length; i++) {
      // Wide exponent range, both signs, some subnormals and zeros.
      float v = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(60) - 30));
      z[i] = i % 97 == 0 ? Float.MIN_VALUE * (i % 5) : i % 89 == 0 ? -0f : v;
    }
    BitSums whole = new BitSums(bits);
    whole.add(z, n);
    BitSums a = new BitSums(bits);
    BitSums b = new BitSums(bits);
    BitSums c = new BitSums(bits);
    // Rows in another order, split three ways, merged in another order.
    float[] rev = new float[z.length];
    for (int r = 0; r < n; r++) {
      System.arraycopy(z, (n - 1 - r) * bits, rev, r * bits, bits);
    }
    a.add(rev, 1000);
    b.add(java.util.Arrays.copyOfRange(rev, 1000 * bits, 3000 * bits), 2000);
    c.add(java.util.Arrays.copyOfRange(rev, 3000 * bits, n * bits), 2000);
    BitSums merged = c.merge(a).merge(b);
    assertThat(merged.rows()).isEqualTo(n);
    for (int j = 0; j < bits; j++) {
      BigDecimal exact = BigDecimal.ZERO;
      for (int r = 0; r < n; r++) {
        exact = exact.add(new BigDecimal(z[r * bits + j]));
      }
      assertThat(whole.sum(j)).isEqualTo(exact.doubleValue());
      assertThat(merged.sum(j)).isEqualTo(exact.doubleValue());
    }
    assertThat(merged.mean()).containsExactly(whole.mean());
  }

  @Test
  void sumsHalfwayBetweenDoublesRoundToEven() {
    float tiny = Math.scalb(1f, -53);
    // Column 0 sums to 1 + 2^-53, column 1 to 1 + 3 * 2^-53, column 2 to -(1 + 2^-53): each exactly
    // halfway between two doubles.
    float[] z = {1f, 1f, -1f, tiny, 3 * tiny, -tiny};
    BitSums s = new BitSums(3);
    s.add(z, 2);
    assertThat(s.sum(0)).isEqualTo(1.0);
    assertThat(s.sum(1)).isEqualTo(1.0 + Math.scalb(1.0, -51));
    assertThat(s.sum(2)).isEqualTo(-1.0);
    for (int j = 0; j < 3; j++) {
      double exact = new BigDecimal(z[j]).add(new BigDecimal(z[3 + j])).doubleValue();
      assertThat(s.sum(j)).isEqualTo(exact);
    }
  }

  @Test
  void emptyMeanIsZero() {
    assertThat(new BitSums(64).mean()).containsOnly(0f);
  }
}
