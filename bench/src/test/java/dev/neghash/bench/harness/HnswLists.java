package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.bench.harness.Searches.Rule;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import java.util.List;

/** The HNSW peers' test data size and what their tests check of the lists they return. */
final class HnswLists {

  static final int N = 3000;
  static final int D = 64;
  static final int K = 16;

  private HnswLists() {}

  /** Every row of {@code ids} (K per anchor) lists real items, never the anchor nor an item of its label. */
  static void assertLabelRule(int[] ids, int[] anchors, int[] labels) {
    assertThat(ids).hasSize(anchors.length * K);
    for (int i = 0; i < anchors.length; i++) {
      for (int j = 0; j < K; j++) {
        int c = ids[i * K + j];
        assertThat(c).isBetween(0, N - 1).isNotEqualTo(anchors[i]);
        assertThat(labels[c]).isNotEqualTo(labels[anchors[i]]);
      }
    }
  }

  /** Overlap@K of the lists {@code ids} of {@code anchors} with NegHash's exact cosine lists. */
  static double overlapWithExact(float[] x, int[] labels, int[] anchors, int[] ids) {
    KernelProvider kp = KernelProviders.get();
    int[] exact = Searches.cosine(x, N, D, anchors, Rule.LABELS, labels, K, 2, kp).ids();
    List<QualityEval.Score> s = QualityEval.evaluate(x, N, D, labels, anchors, K, 8, List.of(
        new QualityEval.Method("hnsw", Rule.LABELS, ids),
        new QualityEval.Method("neghash-exact", Rule.LABELS, exact)), 2, kp);
    return s.get(0).overlap();
  }
}
