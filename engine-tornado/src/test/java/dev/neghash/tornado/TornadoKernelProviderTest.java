package dev.neghash.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.HammingTask;
import dev.neghash.engine.kernel.JavaKernelProvider;
import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.Progress;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every device kernel against the Java reference, bit for bit, on awkward sizes; once with the
 * default blocks and the per-row projection, once with tiny blocks (anchors, candidates and rows
 * span many blocks with a partial last one) and the per-output projection. Runs inside TornadoVM with {@code -Dtornado.recover.bailout=False}, so a
 * kernel TornadoVM cannot compile fails instead of quietly running as Java.
 */
class TornadoKernelProviderTest {

  private static TornadoKernelProvider standard;
  private static TornadoKernelProvider tiny;
  private static final float[][] MATRICES = new float[2][];

  @BeforeAll
  static void start() {
    TornadoKernelProvider started = (TornadoKernelProvider) KernelProviders.byName("tornado");
    // Both projection kernel forms, whatever the device's type.
    standard = started.withSettings(started.settings().withProjectKernel("rows"));
    tiny = started.withSettings(started.settings().withBlocks(16, 24, 8).withProjectKernel("outputs"));
    started.close();
    SplittableRandom rnd = new SplittableRandom(3);
    MATRICES[0] = gaussian(rnd, 7 * 64);
    MATRICES[1] = gaussian(rnd, 100 * 512);
  }

  @AfterAll
  static void close() {
    standard.close();
    tiny.close();
  }

  static Stream<TornadoKernelProvider> providers() {
    return Stream.of(standard, tiny);
  }

  @Test
  void bailoutToJavaIsAnErrorAndTornadoWinsTheLookup() {
    assertThat(System.getProperty("tornado.recover.bailout")).isEqualToIgnoringCase("false");
    KernelProviders.Selection s = KernelProviders.selection();
    assertThat(s.provider().name()).isEqualTo("tornado");
    assertThat(s.reason()).contains("best available");
  }

  static Stream<Arguments> rowCases() {
    return Stream.of(1, 63, 64, 65, 1021)
        .flatMap(rows -> Stream.of(Arguments.of(rows, 7, 64, 0), Arguments.of(rows, 100, 512, 1)));
  }

  @ParameterizedTest(name = "rows={0} d={1} b={2}")
  @MethodSource("rowCases")
  void projectionAndBinarisationAreBitIdentical(int rows, int d, int b, int matrix) {
    SplittableRandom rnd = new SplittableRandom(rows * 31L + d);
    float[] x = gaussian(rnd, rows * d);
    float[] rT = MATRICES[matrix];
    float[] mean = gaussian(rnd, b);
    float[] want = new float[rows * b];
    JavaKernels.project(x, rows, d, rT, b, want);
    int words = b / 64;
    long[] codesWant = new long[5 + rows * words];
    JavaKernels.binarize(want, rows, b, mean, codesWant, 5);
    for (TornadoKernelProvider p : providers().toList()) {
      float[] got = new float[rows * b];
      p.project(x, rows, d, rT, b, got);
      assertThat(bits(got)).as("project with %s blocks", p.settings().rowBlock()).isEqualTo(bits(want));
      long[] codes = new long[5 + rows * words];
      p.binarize(want, rows, b, mean, codes, 5);
      assertThat(codes).as("binarize with %s blocks", p.settings().rowBlock()).isEqualTo(codesWant);
    }
  }

  static Stream<Arguments> hammingCases() {
    return Stream.of(
        // anchors, candidates, words, k, exclusions
        Arguments.of(1021, 1021, 8, 32, "labels"),
        Arguments.of(65, 65, 1, 1, "self"),
        Arguments.of(300, 300, 2, 17, "labels+positives"),
        Arguments.of(100, 257, 4, 257, "none"),
        Arguments.of(40, 40, 1, 30, "two-classes"),
        Arguments.of(2, 2, 64, 1, "self"));
  }

  @ParameterizedTest(name = "{0}x{1} words={2} k={3} {4}")
  @MethodSource("hammingCases")
  void hammingTopKIsIdentical(int anchors, int candidates, int words, int k, String rule) {
    SplittableRandom rnd = new SplittableRandom(anchors * 7L + words * 3L + k);
    long[] cand = codes(rnd, candidates, words);
    long[] anch = anchors == candidates ? cand : codes(rnd, anchors, words);
    Exclusions ex = exclusions(rule, anchors, candidates, rnd);
    HammingTask want = task(anch, anchors, cand, candidates, words, ex, k);
    JavaKernels.hammingTopK(want, 0, anchors);
    for (TornadoKernelProvider p : providers().toList()) {
      HammingTask got = task(anch, anchors, cand, candidates, words, ex, k);
      // Uneven chunks, as the engine's threads ask for them.
      for (int a = 0; a < anchors; a += 37) {
        p.hammingTopK(got, a, Math.min(anchors, a + 37));
      }
      assertThat(got.outIds()).as("ids, anchor block %s", p.settings().anchorBlock()).isEqualTo(want.outIds());
      assertThat(got.outDist()).as("distances").isEqualTo(want.outDist());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void searchAndEncoderGiveTheJavaResults(int threads) {
    SplittableRandom rnd = new SplittableRandom(11);
    int n = 700;
    int d = 33;
    float[] x = gaussian(rnd, n * d);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(9);
    }
    KernelProvider java = new JavaKernelProvider();
    Encoder.Encoded ref = new Encoder(d, Encoder.Options.of(256, 5).withThreads(threads), java).encode(x, n);
    Neighbours refNb = HammingSearch.search(
        ref.codes(), ref.codes(), Exclusions.labels(labels), 20, threads, java, Progress.NONE);
    for (TornadoKernelProvider p : providers().toList()) {
      Encoder.Encoded enc = new Encoder(d, Encoder.Options.of(256, 5).withThreads(threads), p).encode(x, n);
      assertThat(enc.codes().words()).isEqualTo(ref.codes().words());
      Neighbours nb = HammingSearch.search(
          enc.codes(), enc.codes(), Exclusions.labels(labels), 20, threads, p, Progress.NONE);
      assertThat(nb.ids()).isEqualTo(refNb.ids());
      assertThat(nb.hamming()).isEqualTo(refNb.hamming());
    }
  }

  @Test
  void capacitiesArePowersOfTwoUpToTheBlock() {
    assertThat(TornadoKernelProvider.capacity(1, 64)).isEqualTo(1);
    assertThat(TornadoKernelProvider.capacity(3, 64)).isEqualTo(4);
    assertThat(TornadoKernelProvider.capacity(64, 64)).isEqualTo(64);
    assertThat(TornadoKernelProvider.capacity(65, 64)).isEqualTo(64);
    assertThat(TornadoKernelProvider.capacity(Integer.MAX_VALUE, 1 << 20)).isEqualTo(1 << 20);
  }

  private static HammingTask task(
      long[] anch, int anchors, long[] cand, int candidates, int words, Exclusions ex, int k) {
    return new HammingTask(anch, anchors, cand, candidates, words, ex, k, new int[anchors * k], new int[anchors * k]);
  }

  private static Exclusions exclusions(String rule, int anchors, int candidates, SplittableRandom rnd) {
    return switch (rule) {
      case "none" -> Exclusions.none();
      case "self" -> Exclusions.selfOnly();
      case "labels" -> Exclusions.labels(labels(rnd, anchors, 10));
      case "two-classes" -> Exclusions.labels(labels(rnd, anchors, 2));
      case "labels+positives" -> {
        int[] pa = new int[anchors * 4];
        int[] pc = new int[anchors * 4];
        for (int i = 0; i < pa.length; i++) {
          pa[i] = rnd.nextInt(anchors);
          pc[i] = rnd.nextInt(candidates);
        }
        yield Exclusions.labels(labels(rnd, anchors, 5)).withPositivePairs(anchors, pa, pc);
      }
      default -> throw new IllegalArgumentException(rule);
    };
  }

  private static int[] labels(SplittableRandom rnd, int n, int classes) {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = rnd.nextInt(classes);
    }
    return l;
  }

  /** Codes with varying density: dense rows and sparse rows, so distances spread and also tie. */
  private static long[] codes(SplittableRandom rnd, int n, int words) {
    long[] c = new long[n * words];
    for (int i = 0; i < n; i++) {
      boolean sparse = rnd.nextBoolean();
      for (int w = 0; w < words; w++) {
        long v = rnd.nextLong();
        c[i * words + w] = sparse ? v & rnd.nextLong() & rnd.nextLong() & 0xFF00FFL : v;
      }
    }
    return c;
  }

  private static float[] gaussian(SplittableRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }

  private static int[] bits(float[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Float.floatToRawIntBits(a[i]);
    }
    return out;
  }
}
