package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RowTest {

  @Test
  void aSearchOfAllAnchorsIsTakenAsMeasured() {
    assertThat(Row.extrapolate(1000, 1000, 2.5, 1.0)).isEqualTo(2.5);
  }

  @Test
  void onlyThePartBeyondTheFixedCostIsScaled() {
    // 100 of 10,000 anchors in 3 s, 1 s of it paid once: 1 + 2 * 100.
    assertThat(Row.extrapolate(10_000, 100, 3.0, 1.0)).isCloseTo(201.0, within(1e-9));
    // Without a fixed part the scaling is linear, as for the peers.
    assertThat(Row.extrapolate(10_000, 100, 3.0, 0)).isCloseTo(300.0, within(1e-9));
  }

  @Test
  void aFixedPartOutsideTheSearchTimeIsClamped() {
    // A one-anchor search slower than the sample (noise) counts the whole sample as fixed.
    assertThat(Row.extrapolate(10_000, 100, 3.0, 4.0)).isEqualTo(3.0);
    assertThat(Row.extrapolate(10_000, 100, 3.0, -1.0)).isCloseTo(300.0, within(1e-9));
  }
}
