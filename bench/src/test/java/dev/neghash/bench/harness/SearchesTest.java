package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A search over sampled anchors must return exactly the sampled rows of the all-anchor search. */
class SearchesTest {

  private static final int N = 800;
  private static final int D = 48;
  private static final int K = 12;

  @ParameterizedTest
  @EnumSource(Rule.class)
  void hammingOnSampledAnchorsEqualsTheirRowsOfTheFullSearch(Rule rule) {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 9);
    KernelProvider kp = KernelProviders.get();
    PackedCodes codes = new Encoder(D, Encoder.Options.of(192, 1).withThreads(2), kp).encode(g.all(2), N).codes();
    int[] all = IntStream.range(0, N).toArray();
    int[] sample = QualityReport.sampleAnchors(N, 77, 4);
    Neighbours full = Searches.hamming(codes, all, rule, g.labels(), K, 2, kp);
    Neighbours part = Searches.hamming(codes, sample, rule, g.labels(), K, 2, kp);
    assertThat(part.ids()).isEqualTo(Searches.rowsOf(full.ids(), K, all, sample));
    assertThat(part.hamming()).isEqualTo(Searches.rowsOf(full.hamming(), K, all, sample));
    for (int r = 0; r < sample.length; r++) {
      for (int j = 0; j < K; j++) {
        int c = part.id(r, j);
        assertThat(c).isNotEqualTo(sample[r]);
        if (rule == Rule.LABELS) {
          assertThat(SyntheticEmbeddings.label(c)).isNotEqualTo(SyntheticEmbeddings.label(sample[r]));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Rule.class)
  void cosineOnSampledAnchorsEqualsTheirRowsOfTheFullSearch(Rule rule) {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 9);
    KernelProvider kp = KernelProviders.get();
    float[] x = g.all(2);
    int[] all = IntStream.range(0, N).toArray();
    int[] sample = QualityReport.sampleAnchors(N, 50, 4);
    Neighbours full = Searches.cosine(x, N, D, all, rule, g.labels(), K, 2, kp);
    Neighbours part = Searches.cosine(x, N, D, sample, rule, g.labels(), K, 2, kp);
    assertThat(part.ids()).isEqualTo(Searches.rowsOf(full.ids(), K, all, sample));
  }
}
