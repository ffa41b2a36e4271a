package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QualityEvalTest {

  private static final int N = 2500; // more than two candidate blocks, so the pass splits
  private static final int D = 40;
  private static final int K = 16;

  @Test
  void matchesTheEnginesQualityReportAndScoresExactAsPerfect() {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 21);
    int[] labels = g.labels();
    float[] x = g.all(2);
    KernelProvider kp = KernelProviders.get();
    PackedCodes codes = new Encoder(D, Encoder.Options.of(128, 2).withThreads(2), kp).encode(x, N).codes();
    int[] all = IntStream.range(0, N).toArray();
    Neighbours lshLabels = Searches.hamming(codes, all, Rule.LABELS, labels, K, 2, kp);
    Neighbours lshSelf = Searches.hamming(codes, all, Rule.SELF, labels, K, 2, kp);
    Neighbours exact = Searches.cosine(x, N, D, all, Rule.LABELS, labels, K, 2, kp);

    QualityReport refLabels = QualityReport.evaluate(lshLabels, x, N, D, Exclusions.labels(labels), 60, 8, 2, kp);
    QualityReport refSelf = QualityReport.evaluate(lshSelf, x, N, D, Exclusions.selfOnly(), 60, 8, 2, kp);
    int[] sample = refLabels.anchors();
    assertThat(refSelf.anchors()).isEqualTo(sample);

    List<QualityEval.Score> scores = QualityEval.evaluate(x, N, D, labels, sample, K, 4, List.of(
        new QualityEval.Method("lsh", Rule.LABELS, Searches.rowsOf(lshLabels.ids(), K, all, sample)),
        new QualityEval.Method("lsh-self", Rule.SELF, Searches.rowsOf(lshSelf.ids(), K, all, sample)),
        new QualityEval.Method("neghash-exact", Rule.LABELS, Searches.rowsOf(exact.ids(), K, all, sample))),
        3, kp);

    assertThat(scores.get(0).overlap()).isCloseTo(refLabels.overlap(), within(1e-12));
    assertThat(scores.get(0).meanPositionalDistance()).isCloseTo(refLabels.meanPositionalDistance(), within(1e-9));
    assertThat(scores.get(1).overlap()).isCloseTo(refSelf.overlap(), within(1e-12));
    assertThat(scores.get(1).meanPositionalDistance()).isCloseTo(refSelf.meanPositionalDistance(), within(1e-9));
    assertThat(scores.get(0).overlap()).isBetween(0.05, 0.99); // LSH is neither useless nor exact here
    assertThat(scores.get(2).overlap()).isEqualTo(1.0);
    assertThat(scores.get(2).meanPositionalDistance()).isEqualTo(0.0);
    assertThat(scores.get(2).negativeShare()).isEqualTo(1.0);
    assertThat(scores.get(2).listed()).isEqualTo((long) sample.length * K);
  }

  @Test
  void randomListsScoreNearChanceAndNegativeShareCountsTheFirstListed() {
    int n = 1500;
    SyntheticEmbeddings g = new SyntheticEmbeddings(n, D, 5);
    int[] labels = g.labels();
    float[] x = g.all(2);
    KernelProvider kp = KernelProviders.get();
    int[] sample = QualityReport.sampleAnchors(n, 40, 1);
    int[] random = new int[sample.length * K];
    for (int s = 0; s < sample.length; s++) {
      RandomNegatives.draw(sample[s], labels, K, 3, n - 10, random, s * K, new int[n]);
    }
    // The exact top-K with the second half reversed: overlap stays 1, positions move.
    int[] all = IntStream.range(0, n).toArray();
    int[] exact = Searches.rowsOf(Searches.cosine(x, n, D, all, Rule.LABELS, labels, K, 2, kp).ids(), K, all, sample);
    int[] shuffled = exact.clone();
    for (int s = 0; s < sample.length; s++) {
      for (int j = 0; j < K / 2; j++) {
        shuffled[s * K + K / 2 + j] = exact[s * K + K - 1 - j];
      }
    }
    List<QualityEval.Score> sc = QualityEval.evaluate(x, n, D, labels, sample, K, K / 2, List.of(
        new QualityEval.Method("random", Rule.LABELS, random),
        new QualityEval.Method("reversed-tail", Rule.LABELS, shuffled)), 2, kp);
    assertThat(sc.get(0).overlap()).isLessThan(0.1);
    assertThat(sc.get(1).overlap()).isEqualTo(1.0);
    // Reversing K/2 positions moves item j by |K/2 - 1 - 2j'| ... on average K/4 over the tail.
    double expected = 0;
    for (int j = 0; j < K / 2; j++) {
      expected += Math.abs((K - 1 - j) - (K / 2 + j));
    }
    assertThat(sc.get(1).meanPositionalDistance()).isCloseTo(expected / K, within(1e-9));
    assertThat(sc.get(1).negativeShare()).isEqualTo(1.0);
  }

  @Test
  void rejectsAListHoldingAnExcludedItem() {
    int n = 300;
    SyntheticEmbeddings g = new SyntheticEmbeddings(n, D, 5);
    int[] sample = {0, 1};
    int[] ids = new int[2 * K];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 20 + i;
    }
    ids[3] = 5; // same label (class 0) as anchor 0
    assertThatThrownBy(() -> QualityEval.evaluate(g.all(1), n, D, g.labels(), sample, K, 4,
        List.of(new QualityEval.Method("m", Rule.LABELS, ids)), 1, KernelProviders.get()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("excludes");
  }
}
