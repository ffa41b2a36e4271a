package dev.neghash.bench.harness;

import static dev.neghash.bench.harness.HnswLists.D;
import static dev.neghash.bench.harness.HnswLists.K;
import static dev.neghash.bench.harness.HnswLists.N;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.engine.mining.QualityReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lucene's HNSW lists obey the label rule and come close to exact order on clustered data. */
class LuceneHnswTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void listsExcludeTheAnchorsLabelAndOverlapExactNeighbours(boolean binaryQuantized) throws Exception {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 5);
    float[] x = g.all(2);
    int[] labels = g.labels();
    int[] anchors = QualityReport.sampleAnchors(N, 300, 3);
    try (LuceneHnsw h = LuceneHnsw.build(x, N, D, binaryQuantized, 16, 100, dir.resolve("index"))) {
      assertThat(h.buildSeconds()).isPositive();
      assertThat(h.flushedSegments()).isEqualTo(1);
      assertThat(h.indexBytes()).isGreaterThan((long) N * (binaryQuantized ? D / 8 : 4L * D));
      LuceneHnsw.Result r = h.search(x, D, labels, anchors, K, 64, 2);
      assertThat(r.visited()).isPositive();
      HnswLists.assertLabelRule(r.ids(), anchors, labels);
      assertThat(HnswLists.overlapWithExact(x, labels, anchors, r.ids())).isGreaterThan(binaryQuantized ? 0.3 : 0.9);
    }
  }

  @Test
  void anIndexFlushedInSeveralSegmentsIsMergedIntoOne() throws Exception {
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 5);
    float[] x = g.all(2);
    int[] labels = g.labels();
    int[] anchors = QualityReport.sampleAnchors(N, 300, 3);
    // A 1 MB buffer limit makes Lucene flush several segments, as the 2 GB limit does for large N.
    try (LuceneHnsw h = LuceneHnsw.build(x, N, D, false, 16, 100, dir.resolve("split"), 1)) {
      assertThat(h.flushedSegments()).isGreaterThan(1);
      LuceneHnsw.Result r = h.search(x, D, labels, anchors, K, 64, 2);
      HnswLists.assertLabelRule(r.ids(), anchors, labels);
      assertThat(HnswLists.overlapWithExact(x, labels, anchors, r.ids())).isGreaterThan(0.9);
      assertThat(r.ids()).hasSize(anchors.length * K);
    }
  }
}
