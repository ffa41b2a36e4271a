package dev.neghash.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistanceHistogramTest {

  private static long[] counts(int bits, int... distanceCountPairs) {
    long[] c = new long[bits + 1];
    for (int i = 0; i < distanceCountPairs.length; i += 2) {
      c[distanceCountPairs[i]] += distanceCountPairs[i + 1];
    }
    return c;
  }

  @Test
  void narrowRangesKeepOneDistancePerBin() {
    DistanceHistogram h = DistanceHistogram.of(64, counts(64, 10, 3, 12, 1), counts(64, 30, 5), 48);
    assertThat(h.width()).isEqualTo(1);
    assertThat(h.start()).isEqualTo(10);
    assertThat(h.negatives()).hasSize(21);
    assertThat(h.negatives()[0]).isEqualTo(3);
    assertThat(h.negatives()[2]).isEqualTo(1);
    assertThat(h.random()[20]).isEqualTo(5);
    assertThat(h.cosine()[0]).isCloseTo(Math.cos(Math.PI * 10 / 64), within(1e-12));
  }

  @Test
  void wideRangesAreBinnedOnRoundEdgesWithoutLosingCounts() {
    long[] neg = counts(512, 101, 4, 150, 6, 199, 1);
    long[] rnd = counts(512, 240, 7, 255, 2, 300, 9);
    DistanceHistogram h = DistanceHistogram.of(512, neg, rnd, 48);
    // 101..300 is 200 distances: width ceil(200 / 48) = 5, first bin starts at 100.
    assertThat(h.width()).isEqualTo(5);
    assertThat(h.start()).isEqualTo(100);
    assertThat(h.negatives().length).isLessThanOrEqualTo(48);
    assertThat(h.negatives().length).isEqualTo(h.random().length).isEqualTo(h.cosine().length);
    assertThat(sum(h.negatives())).isEqualTo(11);
    assertThat(sum(h.random())).isEqualTo(18);
    assertThat(h.negatives()[(150 - 100) / 5]).isEqualTo(6);
    assertThat(h.random()[(300 - 100) / 5]).isEqualTo(9);
    // The last bin holds the largest distance.
    assertThat(h.start() + h.negatives().length * h.width()).isGreaterThan(300);
    // Cosine at the centre of bin 0 (distances 100..104).
    assertThat(h.cosine()[0]).isCloseTo(Math.cos(Math.PI * 102 / 512), within(1e-12));
  }

  @Test
  void everyBinCountIsTheSumOfItsDistances() {
    long[] neg = new long[1025];
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < 5000; i++) {
      neg[300 + r.nextInt(400)]++;
    }
    DistanceHistogram h = DistanceHistogram.of(1024, neg, null, 48);
    assertThat(h.random()).isNull();
    for (int b = 0; b < h.negatives().length; b++) {
      long want = 0;
      for (int d = h.start() + b * h.width(); d < h.start() + (b + 1) * h.width() && d < neg.length; d++) {
        want += neg[d];
      }
      assertThat(h.negatives()[b]).as("bin %d", b).isEqualTo(want);
    }
    assertThat(sum(h.negatives())).isEqualTo(5000);
  }

  @Test
  void unknownBitsGiveNoCosineAndEmptyInputGivesNoBins() {
    assertThat(DistanceHistogram.of(0, counts(64, 5, 1), null, 10).cosine()).isNull();
    DistanceHistogram empty = DistanceHistogram.of(64, new long[65], new long[65], 10);
    assertThat(empty.negatives()).isEmpty();
    assertThat(empty.random()).isEmpty();
    assertThatThrownBy(() -> DistanceHistogram.of(64, new long[65], null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long x : a) {
      s += x;
    }
    return s;
  }
}
