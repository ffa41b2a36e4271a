package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomNegativesTest {

  @Test
  void drawsDistinctOtherLabelItemsDeterministically() {
    int[] labels = new int[500];
    Arrays.setAll(labels, i -> i % 7);
    int[] a = new int[20];
    int[] b = new int[20];
    RandomNegatives.draw(3, labels, 20, 9, 500 - 72, a, 0, new int[500]);
    RandomNegatives.draw(3, labels, 20, 9, 500 - 72, b, 0, new int[500]);
    assertThat(a).isEqualTo(b);
    assertThat(Arrays.stream(a).distinct().count()).isEqualTo(20);
    assertThat(Arrays.stream(a).boxed()).allSatisfy(c -> assertThat(labels[c]).isNotEqualTo(labels[3]));
    int[] other = new int[20];
    RandomNegatives.draw(4, labels, 20, 9, 500 - 72, other, 0, new int[500]);
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void takesAllAdmissibleItemsAndPadsWhenThereAreTooFew() {
    int[] labels = {0, 0, 0, 1, 1, 0};
    int[] out = new int[4];
    RandomNegatives.draw(0, labels, 4, 1, 2, out, 0, new int[6]);
    assertThat(out).containsExactly(3, 4, -1, -1);
  }
}
