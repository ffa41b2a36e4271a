package dev.neghash.engine.kernel;

import dev.neghash.engine.search.Exclusions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.TestData;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.lsh.Projection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every available provider returns exactly what the Java reference returns. */
class KernelParityTest {

  static List<KernelProvider> others() {
    List<KernelProvider> all = KernelProviders.available();
    assertThat(all).extracting(KernelProvider::name).contains("java", "panama");
    return all.stream().filter(p -> !p.name().equals("java")).toList();
  }

  /**
   * The providers with a matrix product (projection, exact cosine), the Vector API one with each
   * of its register tiles whatever the machine would choose: 8 rows (32 vector registers) and 4
   * rows (16).
   */
  static List<KernelProvider> products() {
    return Stream.concat(others().stream().filter(p -> !(p instanceof PanamaKernelProvider)),
        Stream.of(new PanamaKernelProvider(8), new PanamaKernelProvider(4))).toList();
  }

  static Stream<Arguments> projectionShapes() {
    return products().stream().flatMap(p -> Stream.of(
        Arguments.of(p, 1, 1, 64), Arguments.of(p, 5, 63, 128), Arguments.of(p, 7, 65, 192),
        Arguments.of(p, 9, 127, 512), Arguments.of(p, 4, 1021, 64), Arguments.of(p, 13, 784, 1024),
        // The blocked product: several row groups, a partial group, dimensions across panels.
        Arguments.of(p, 8, 63, 512), Arguments.of(p, 17, 1021, 1024), Arguments.of(p, 259, 385, 576),
        // Where only the 4-row tile takes the blocked product (128 and 256 columns), and fewer
        // rows than a tile of 8.
        Arguments.of(p, 11, 200, 128), Arguments.of(p, 6, 785, 256)));
  }

  @ParameterizedTest(name = "{0} rows={1} d={2} b={3}")
  @MethodSource("projectionShapes")
  void projectionAndBinarisationMatchBitForBit(KernelProvider p, int rows, int d, int b) {
    float[] x = TestData.gaussian(rows, d, rows * 31L + d);
    float[] rT = Projection.create(d, b, 7).transposed();
    float[] ref = new float[rows * b];
    float[] got = new float[rows * b];
    JavaKernels.project(x, rows, d, rT, b, ref);
    p.project(x, rows, d, rT, b, got);
    assertThat(got).containsExactly(ref);

    float[] mean = TestData.gaussian(1, b, 3);
    long[] refCodes = new long[2 + rows * b / 64];
    long[] gotCodes = new long[2 + rows * b / 64];
    JavaKernels.binarize(ref, rows, b, mean, refCodes, 2);
    p.binarize(ref, rows, b, mean, gotCodes, 2);
    assertThat(gotCodes).containsExactly(refCodes);
  }

  @ParameterizedTest(name = "{0} cand={1} d={2}")
  @MethodSource("projectionShapes")
  void nonMultipleWidthProjectionMatches(KernelProvider p, int rows, int d, int b) {
    // The quality report projects onto "b" = number of candidates, which need not be a multiple of 64.
    int cols = b + 13;
    float[] x = TestData.gaussian(rows, d, 5);
    float[] cT = TestData.gaussian(d, cols, 6);
    float[] ref = new float[rows * cols];
    float[] got = new float[rows * cols];
    JavaKernels.project(x, rows, d, cT, cols, ref);
    p.project(x, rows, d, cT, cols, got);
    assertThat(got).containsExactly(ref);
  }

  /** Search shapes: n, b, k, sparse codes (ties). */
  private static final List<Object[]> SEARCH = List.of(
      new Object[] {1, 64, 1, false}, new Object[] {63, 64, 62, true}, new Object[] {65, 128, 7, false},
      new Object[] {127, 192, 16, true}, new Object[] {301, 256, 32, false}, new Object[] {300, 320, 5, true},
      new Object[] {1021, 512, 9, false}, new Object[] {257, 1024, 256, true}, new Object[] {99, 4096, 3, false},
      // The word-count forms of the Hamming kernel (1, 2 and 4 words, and the general loop at
      // an odd count), each with full groups of four anchors, a remainder and partial blocks.
      new Object[] {131, 64, 7, true}, new Object[] {4097, 64, 16, false},
      new Object[] {517, 128, 33, true}, new Object[] {1027, 256, 12, false},
      new Object[] {66, 256, 65, true}, new Object[] {70, 3968, 5, true});

  private static Stream<Arguments> withShapes(List<KernelProvider> providers, List<Object[]> shapes) {
    return providers.stream().flatMap(p -> shapes.stream().map(v -> {
      Object[] a = new Object[v.length + 1];
      a[0] = p;
      System.arraycopy(v, 0, a, 1, v.length);
      return Arguments.of(a);
    }));
  }

  static Stream<Arguments> searchShapes() {
    return withShapes(others(), SEARCH);
  }

  static Stream<Arguments> cosineShapes() {
    return withShapes(products(), SEARCH);
  }

  @ParameterizedTest(name = "{0} n={1} b={2} k={3} sparse={4}")
  @MethodSource("searchShapes")
  void hammingTopKMatchesWithEveryExclusion(KernelProvider p, int n, int bits, int k, boolean sparse) {
    PackedCodes c = TestData.codes(n, bits, n + bits, sparse);
    int[] labels = TestData.labels(n, 5, n);
    int[] pa = {0, 0, n - 1, n / 2};
    int[] pc = {n - 1, n / 2, 0, 0};
    for (Exclusions ex : List.of(
        Exclusions.selfOnly(), Exclusions.none(), Exclusions.labels(labels),
        Exclusions.labels(labels).withPositivePairs(n, pa, pc),
        Exclusions.selfOnly().withPositivePairs(n, pa, pc))) {
      int kk = Math.min(k, ex.excludeSelf() ? Math.max(1, n - 1) : n);
      int[] refIds = new int[n * kk];
      int[] refDist = new int[n * kk];
      int[] ids = new int[n * kk];
      int[] dist = new int[n * kk];
      JavaKernels.hammingTopK(new HammingTask(c.words(), n, c.words(), n, c.wordsPerCode(), ex, kk, refIds, refDist), 0, n);
      HammingTask t = new HammingTask(c.words(), n, c.words(), n, c.wordsPerCode(), ex, kk, ids, dist);
      // Uneven ranges, as the parallel search hands them out.
      int from = 0;
      for (int step = 1; from < n; step = step * 3 + 1) {
        int to = Math.min(n, from + step);
        p.hammingTopK(t, from, to);
        from = to;
      }
      assertThat(ids).containsExactly(refIds);
      assertThat(dist).containsExactly(refDist);
    }
  }

  static Stream<Arguments> cappedShapes() {
    return others().stream().flatMap(p -> Stream.of(
        Arguments.of(p, 64, 16, false), Arguments.of(p, 64, 32, true), Arguments.of(p, 128, 24, false),
        Arguments.of(p, 256, 32, true), Arguments.of(p, 512, 16, false), Arguments.of(p, 1024, 20, true)));
  }

  /**
   * Searches over enough candidates (20,000) that the vector provider caps each anchor at a
   * distance estimated from a sample: lists still equal the reference's, with few labels, with
   * every item its own label, and when 14 sampled candidates are exact copies of each of anchors
   * 0-3, so that from k = 16 their caps are too tight and their lists are searched again.
   */
  @ParameterizedTest(name = "{0} b={1} k={2} sparse={3}")
  @MethodSource("cappedShapes")
  void hammingTopKMatchesWhenTheSearchIsCapped(KernelProvider p, int bits, int k, boolean sparse) {
    int n = 20_000;
    int anchors = 203;
    PackedCodes c = TestData.codes(n, bits, bits * 31L + k, sparse);
    int w = c.wordsPerCode();
    long[] words = c.words().clone();
    int[] labels = TestData.labels(n, 5, n);
    copyIntoSample(words, labels, n, k, w, 4);
    int[] own = new int[n];
    for (int i = 0; i < n; i++) {
      own[i] = i;
    }
    Exclusions fewLabels = new Exclusions(true, java.util.Arrays.copyOf(labels, anchors), labels, null, null);
    Exclusions ownLabels = new Exclusions(true, java.util.Arrays.copyOf(own, anchors), own, null, null);
    for (Exclusions ex : List.of(fewLabels, ownLabels, Exclusions.selfOnly(),
        fewLabels.withPositivePairs(anchors, new int[] {0, 1}, new int[] {n - 1, 2}))) {
      assertMatchesReference(words, n, w, anchors, ex, k, t -> {
        p.hammingTopK(t, 0, 64);
        p.hammingTopK(t, 64, anchors);
      });
    }
  }

  /**
   * A sample that misleads on most anchors: each of the first 64 anchors has 14 exact copies, all
   * in the sample, so every anchor of the first chunk is capped below its 40th neighbour and
   * searched again, and the search drops caps for the chunks after it. Lists equal the
   * reference's all the same.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("others")
  void hammingTopKMatchesWhenTheSampleMisleads(KernelProvider p) {
    int n = 20_000;
    int anchors = 300;
    PackedCodes c = TestData.codes(n, 256, 77, false);
    int w = c.wordsPerCode();
    long[] words = c.words().clone();
    int[] labels = TestData.labels(n, 5, n);
    copyIntoSample(words, labels, n, 40, w, 64);
    Exclusions ex = new Exclusions(true, java.util.Arrays.copyOf(labels, anchors), labels, null, null);
    assertMatchesReference(words, n, w, anchors, ex, 40, t -> p.hammingTopK(t, 1, dev.neghash.engine.Progress.NONE));
  }

  static Stream<Arguments> groupedShapes() {
    return others().stream().flatMap(p -> Stream.of(
        Arguments.of(p, 64, 40, true), Arguments.of(p, 128, 9, true), Arguments.of(p, 256, 32, false),
        Arguments.of(p, 512, 100, true), Arguments.of(p, 1024, 17, false)));
  }

  /**
   * Labels coarse enough that the vector provider groups candidates by label (so they no longer
   * come in id order, and ties with the k-th distance must still go to the smaller id): negative
   * labels, a label held by only two items (a group of four anchors with mixed labels), sparse
   * codes with many equal distances, positive pairs; all pairs, and queries against a reference
   * where one query label is absent from the reference. Lists equal the reference's, through the
   * per-range and the whole-task methods.
   */
  @ParameterizedTest(name = "{0} b={1} k={2} sparse={3}")
  @MethodSource("groupedShapes")
  void hammingTopKMatchesWithCandidatesGroupedByLabel(KernelProvider p, int bits, int k, boolean sparse) {
    int n = 1501;
    PackedCodes c = TestData.codes(n, bits, bits * 7L + k, sparse);
    int w = c.wordsPerCode();
    long[] words = c.words();
    int[] labels = TestData.labels(n, 4, bits);
    for (int i = 0; i < n; i++) {
      labels[i] -= 2;
    }
    labels[5] = 99;
    labels[1000] = 99;
    Exclusions all = Exclusions.labels(labels).withPositivePairs(n, new int[] {0, 7, 9}, new int[] {3, n - 2, n / 2});
    assertMatchesReference(words, n, w, n, all, k, t -> p.hammingTopK(t, 2, dev.neghash.engine.Progress.NONE));
    assertMatchesReference(words, n, w, n, Exclusions.labels(labels), k, t -> {
      for (int from = 0, step = 5; from < n; from += step, step = step * 2 + 3) {
        p.hammingTopK(t, from, Math.min(n, from + step));
      }
    });

    int queries = 203;
    PackedCodes q = TestData.codes(queries, bits, bits * 11L + k, sparse);
    int[] queryLabels = TestData.labels(queries, 5, k);
    for (int i = 0; i < queries; i++) {
      queryLabels[i] -= 2; // -2 .. 2; 2 is no reference item's label
    }
    Exclusions qr = new Exclusions(false, queryLabels, labels, null, null);
    int[] refIds = new int[queries * k];
    int[] refDist = new int[queries * k];
    int[] ids = new int[queries * k];
    int[] dist = new int[queries * k];
    JavaKernels.hammingTopK(new HammingTask(q.words(), queries, words, n, w, qr, k, refIds, refDist), 0, queries);
    p.hammingTopK(new HammingTask(q.words(), queries, words, n, w, qr, k, ids, dist), 2, dev.neghash.engine.Progress.NONE);
    assertThat(ids).containsExactly(refIds);
    assertThat(dist).containsExactly(refDist);
  }

  /**
   * Writes 14 exact copies of each of items {@code 0 .. count-1} onto candidates the vector
   * provider samples for a top-k search of n ({@link PanamaKernelProvider#sampled}), from its 65th
   * sampled candidate on (past the anchors), each with a label one above its original's.
   */
  private static void copyIntoSample(long[] words, int[] labels, int n, int k, int w, int count) {
    int[] picked = PanamaKernelProvider.sampled(n, k);
    assertThat(picked).hasSizeGreaterThan(64 + 14 * count);
    for (int q = 0; q < count; q++) {
      for (int copy = 0; copy < 14; copy++) {
        int at = picked[64 + 14 * q + copy];
        System.arraycopy(words, q * w, words, at * w, w);
        labels[at] = labels[q] + 1;
      }
    }
  }

  /**
   * Runs {@code search} on a top-k task of the first {@code anchors} items against all {@code n}
   * and checks its lists against the Java reference's.
   */
  private static void assertMatchesReference(long[] words, int n, int w, int anchors, Exclusions ex, int k,
      java.util.function.Consumer<HammingTask> search) {
    long[] anchorWords = java.util.Arrays.copyOf(words, anchors * w);
    int[] refIds = new int[anchors * k];
    int[] refDist = new int[anchors * k];
    int[] ids = new int[anchors * k];
    int[] dist = new int[anchors * k];
    JavaKernels.hammingTopK(new HammingTask(anchorWords, anchors, words, n, w, ex, k, refIds, refDist), 0, anchors);
    search.accept(new HammingTask(anchorWords, anchors, words, n, w, ex, k, ids, dist));
    assertThat(ids).containsExactly(refIds);
    assertThat(dist).containsExactly(refDist);
  }

  @ParameterizedTest(name = "{0} n={1} k={3}")
  @MethodSource("cosineShapes")
  void cosineTopKMatches(KernelProvider p, int n, int bits, int k, boolean sparse) {
    int d = 1 + bits / 16;
    float[] x = TestData.gaussian(n, d, n);
    dev.neghash.engine.lsh.Encoder.normalizeRows(x, n, d);
    if (sparse && n > 10) {
      System.arraycopy(x, 0, x, 5 * d, d); // exact duplicate: equal similarities, ties by index
    }
    int[] labels = TestData.labels(n, 3, n);
    for (Exclusions ex : List.of(Exclusions.selfOnly(), Exclusions.labels(labels))) {
      int kk = Math.min(k, Math.max(1, n - 1));
      int[] refIds = new int[n * kk];
      float[] refSim = new float[n * kk];
      int[] ids = new int[n * kk];
      float[] sim = new float[n * kk];
      JavaKernels.cosineTopK(new CosineTask(x, n, x, n, d, ex, kk, refIds, refSim), 0, n);
      p.cosineTopK(new CosineTask(x, n, x, n, d, ex, kk, ids, sim), 0, n);
      assertThat(ids).containsExactly(refIds);
      assertThat(sim).containsExactly(refSim);
    }
  }
}
