package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.mining.QualityReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lucene's HNSW lists obey the label rule and come close to exact order on clustered data. */
class LuceneHnswTest {

  private static final int N = 3000;
  private static final int D = 64;
  private static final int K = 16;

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void listsExcludeTheAnchorsLabelAndOverlapExactNeighbours(boolean binaryQuantized) throws Exception {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 5);
    float[] x = g.all(2);
    int[] labels = g.labels();
    KernelProvider kp = KernelProviders.get();
    int[] anchors = QualityReport.sampleAnchors(N, 300, 3);
    try (LuceneHnsw h = LuceneHnsw.build(x, N, D, binaryQuantized, 16, 100, dir.resolve("index"))) {
      assertThat(h.buildSeconds()).isPositive();
      assertThat(h.indexBytes()).isGreaterThan((long) N * (binaryQuantized ? D / 8 : 4L * D));
      LuceneHnsw.Result r = h.search(x, D, labels, anchors, K, 64, 2);
      assertThat(r.visited()).isPositive();
      for (int i = 0; i < anchors.length; i++) {
        for (int j = 0; j < K; j++) {
          int c = r.ids()[i * K + j];
          assertThat(c).isBetween(0, N - 1).isNotEqualTo(anchors[i]);
          assertThat(labels[c]).isNotEqualTo(labels[anchors[i]]);
        }
      }
      int[] exact = Searches.rowsOf(
          Searches.cosine(x, N, D, anchors, Rule.LABELS, labels, K, 2, kp).ids(), K, anchors, anchors);
      List<QualityEval.Score> s = QualityEval.evaluate(x, N, D, labels, anchors, K, 8, List.of(
          new QualityEval.Method("hnsw", Rule.LABELS, r.ids()),
          new QualityEval.Method("neghash-exact", Rule.LABELS, exact)), 2, kp);
      assertThat(s.get(0).overlap()).isGreaterThan(binaryQuantized ? 0.3 : 0.9);
    }
  }
}
