package dev.neghash.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.engine.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampling and counting behind the plots, on files whose answers are known. */
class JobPlotsServiceTest {

  @TempDir Path tmp;

  /** Codes where label-0 items are all zeros and label-1 items all ones: distance 0 or b, nothing else. */
  private Path twoClassCodes(int n, int bits, int[] labels) throws Exception {
    int bytes = bits / 8;
    byte[] data = new byte[n * bytes];
    for (int i = 0; i < n; i++) {
      if (labels[i] == 1) {
        Arrays.fill(data, i * bytes, (i + 1) * bytes, (byte) 0xFF);
      }
    }
    Path f = tmp.resolve("codes-" + n + "-" + bits + ".npy");
    Npy.writeUint8(f, data, n, bytes);
    return f;
  }

  @Test
  void randomPairsWithLabelsAreAlwaysOfDifferentLabels() throws Exception {
    int n = 300;
    int bits = 128;
    int[] labels = IntStream.range(0, n).map(i -> i % 3 == 0 ? 1 : 0).toArray();
    long[] counts = new long[bits + 1];
    int drawn = JobPlotsService.randomPairs(twoClassCodes(n, bits, labels), n, bits, labels, null, 7, counts);
    assertThat(drawn).isEqualTo(JobPlotsService.RANDOM_PAIRS);
    // Every pair crosses the labels, so every distance is b.
    assertThat(counts[bits]).isEqualTo(drawn);
    assertThat(counts[0]).isZero();
  }

  @Test
  void randomPairsWithoutLabelsAreAnyTwoDistinctItems() throws Exception {
    int n = 200;
    int bits = 64;
    int[] split = IntStream.range(0, n).map(i -> i % 2).toArray();
    Path codes = twoClassCodes(n, bits, split);
    long[] counts = new long[bits + 1];
    int drawn = JobPlotsService.randomPairs(codes, n, bits, null, null, 7, counts);
    assertThat(drawn).isEqualTo(JobPlotsService.RANDOM_PAIRS);
    // Half the items are ones: about half the pairs cross (20,000 draws, 5 sigma is about 0.018).
    assertThat((double) counts[bits] / drawn).isCloseTo(100.0 / 199, within(0.02));
    assertThat(counts[0] + counts[bits]).isEqualTo(drawn);
    // Seeded: the same seed gives the same pairs.
    long[] again = new long[bits + 1];
    JobPlotsService.randomPairs(codes, n, bits, null, null, 7, again);
    assertThat(again).isEqualTo(counts);
  }

  @Test
  void queryReferencePairsJoinAQueryToAReference() throws Exception {
    int n = 100;
    int bits = 64;
    int[] split = IntStream.range(0, n).map(i -> i < 30 ? 1 : 0).toArray();
    // Queries (split 1) are all ones, references all zeros: a query-reference pair is at distance b.
    Path codes = twoClassCodes(n, bits, split);
    long[] counts = new long[bits + 1];
    int drawn = JobPlotsService.randomPairs(codes, n, bits, null, split, 1, counts);
    assertThat(drawn).isEqualTo(JobPlotsService.RANDOM_PAIRS);
    assertThat(counts[bits]).isEqualTo(drawn);
  }

  @Test
  void oneLabelForEveryItemGivesNoPairs() throws Exception {
    int n = 50;
    int[] labels = new int[n];
    long[] counts = new long[65];
    assertThat(JobPlotsService.randomPairs(twoClassCodes(n, 64, labels), n, 64, labels, null, 1, counts)).isZero();
  }

  @Test
  void countingSkipsPadding() throws Exception {
    Path f = tmp.resolve("hamming.npy");
    Npy.writeInt32(f, new int[] {3, 5, -1, 5, 7, 7, -1, -1, -1}, 3, 3);
    long[] counts = new long[65];
    assertThat(JobPlotsService.countDistances(f, counts)).isEqualTo(5);
    assertThat(counts[3]).isEqualTo(1);
    assertThat(counts[5]).isEqualTo(2);
    assertThat(counts[7]).isEqualTo(2);
  }

  @Test
  void randomOverlapIsKOverEligibleCandidates() {
    // Labels 0,0 and 1,1,1: an anchor of label 0 has 3 eligible candidates, one of label 1 has 2.
    assertThat(JobPlotsService.randomOverlap(1, 5, new int[] {0, 0, 1, 1, 1}))
        .isCloseTo((2 * (1.0 / 3) + 3 * (1.0 / 2)) / 5, within(1e-12));
    assertThat(JobPlotsService.randomOverlap(10, 101, null)).isCloseTo(0.1, within(1e-12));
    assertThat(JobPlotsService.randomOverlap(5, 4, null)).isEqualTo(1.0);
    assertThat(JobPlotsService.randomOverlap(5, 3, new int[] {2, 2, 2})).isNull();
  }
}
