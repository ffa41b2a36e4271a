package dev.neghash.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs every JMH benchmark's setup (which checks that its variants give identical results) and
 * both variants once, on small sizes, so a broken benchmark fails the build rather than the JMH run.
 */
class BenchmarksTest {

  @Test
  void projection() {
    ProjectionBenchmark b = new ProjectionBenchmark();
    b.rows = 300;
    b.d = 40;
    b.bits = 128;
    b.threads = 2;
    b.setup();
    float[][] ref = deepCopy(b.javaReference());
    assertThat(b.panama()).isDeepEqualTo(ref);
  }

  @Test
  void binarize() {
    BinarizeBenchmark b = new BinarizeBenchmark();
    b.rows = 300;
    b.bits = 192;
    b.threads = 2;
    b.setup();
    long[] ref = b.javaReference().clone();
    assertThat(b.panama()).isEqualTo(ref).isNotEqualTo(new long[ref.length]);
  }

  @Test
  void hammingDistance() {
    HammingDistanceBenchmark b = new HammingDistanceBenchmark();
    b.anchors = 40;
    b.candidates = 1001;
    b.bits = 320;
    b.threads = 2;
    b.setup();
    int[] ref = b.javaReference().clone();
    assertThat(b.vectorInterleaved()).isEqualTo(ref);
    assertThat(ref).containsOnly(0); // row[a] is the anchor's distance to itself
  }

  @Test
  void topKSelection() {
    TopKSelectionBenchmark b = new TopKSelectionBenchmark();
    b.anchors = 70;
    b.candidates = 3000;
    b.bits = 256;
    b.k = 33;
    b.threads = 2;
    b.setup();
    int[] ref = b.heapReference().clone();
    assertThat(b.countingSelect()).isEqualTo(ref);
  }

  @Test
  void hammingSearch() {
    HammingSearchBenchmark b = new HammingSearchBenchmark();
    b.data = "synthetic";
    b.n = 1500;
    b.bits = 256;
    b.k = 8;
    b.threads = 2;
    b.setup();
    assertThat(b.panama().ids()).isEqualTo(b.javaReference().ids());
  }

  @Test
  void cosineTopK() {
    CosineTopKBenchmark b = new CosineTopKBenchmark();
    b.anchors = 50;
    b.candidates = 1200;
    b.d = 36;
    b.k = 8;
    b.threads = 2;
    b.setup();
    assertThat(b.panama().ids()).isEqualTo(b.javaReference().ids());
  }

  @Test
  void kernelBounds() {
    KernelBoundsBenchmark b = new KernelBoundsBenchmark();
    b.data = "synthetic";
    b.n = 1500;
    b.anchors = 64;
    b.bits = 256;
    b.cosineAnchors = 16;
    b.k = 8;
    b.threads = 2;
    b.setup();
    assertThat(b.hammingSearch().ids()).hasSize(64 * 8);
    assertThat(b.cosineSearch().ids()).hasSize(16 * 8);
    b.hammingBound();
    b.fmaBoundCosine();
    b.fmaBoundProject();
    assertThat(b.project()).isNotEmpty();
  }

  private static float[][] deepCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
