package dev.neghash.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Progress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The streaming quality report gives exactly the engine's in-memory figures. */
class StreamingQualityTest {

  @Test
  void equalsTheEnginesReportWithLabelsPositivesAndDuplicates() throws Exception {
    int n = 1500;
    int d = 24;
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    // Exact duplicates create ties in the cosine order, which both must break by index.
    System.arraycopy(x, 0, x, 10 * d, d);
    System.arraycopy(x, 0, x, 20 * d, d);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(40);
    }
    Exclusions ex = Exclusions.labels(labels).withPositivePairs(n, new int[] {0, 5, 7}, new int[] {3, 9, 1000});
    PackedCodes codes = new Encoder(d, Encoder.Options.of(128, 3)).encode(x, n).codes();
    KernelProvider k = KernelProviders.get();
    Neighbours nb = HammingSearch.search(codes, codes, ex, 30, 2, k, Progress.NONE);

    QualityReport expected = QualityReport.evaluate(nb, ExactCosineSearch.normalized(x, n, d), n, d, ex, 200, 9, 2, k);
    StreamingQuality.Result got = StreamingQuality.evaluate(nb,
        (from, rows, dst) -> System.arraycopy(x, (int) from * d, dst, 0, rows * d), n, d, ex, 200, 9, 2, k, Progress.NONE);

    assertThat(got.sampled()).isEqualTo(expected.sampled());
    assertThat(got.k()).isEqualTo(30);
    assertThat(got.overlap()).isEqualTo(expected.overlap());
    assertThat(got.meanPositionalDistance()).isEqualTo(expected.meanPositionalDistance());
    assertThat(got.overlap()).isBetween(0.01, 0.99);
  }
}
