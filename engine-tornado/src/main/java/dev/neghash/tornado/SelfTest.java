package dev.neghash.tornado;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.HammingTask;
import dev.neghash.engine.kernel.JavaKernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A start-up check that every device kernel compiles and gives the Java reference's bits on a small
 * input: a device that gets this wrong is not used.
 */
final class SelfTest {

  private SelfTest() {}

  /**
   * Runs projection, binarisation and a Hamming top-k with labels, positives and self-exclusion.
   *
   * @throws IllegalStateException naming the first kernel whose output differs
   */
  static void run(TornadoKernelProvider p) {
    SplittableRandom rnd = new SplittableRandom(20250523L);
    int rows = 37;
    int d = 9;
    int b = 128;
    float[] x = new float[rows * d];
    float[] rT = new float[d * b];
    float[] mean = new float[b];
    fill(rnd, x);
    fill(rnd, rT);
    fill(rnd, mean);
    float[] want = new float[rows * b];
    float[] got = new float[rows * b];
    JavaKernels.project(x, rows, d, rT, b, want);
    p.project(x, rows, d, rT, b, got);
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        throw new IllegalStateException("project differs from Java at " + i + ": " + got[i] + " vs " + want[i]);
      }
    }
    long[] codesWant = new long[rows * 2];
    long[] codesGot = new long[rows * 2];
    JavaKernels.binarize(want, rows, b, mean, codesWant, 0);
    p.binarize(want, rows, b, mean, codesGot, 0);
    if (!Arrays.equals(codesWant, codesGot)) {
      throw new IllegalStateException(
          "binarize differs from Java at word " + Arrays.mismatch(codesWant, codesGot));
    }
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = rnd.nextInt(4);
    }
    Exclusions ex = Exclusions.labels(labels)
        .withPositivePairs(rows, new int[] {0, 0, 5, 36}, new int[] {3, 9, 2, 1});
    int k = 6;
    HammingTask t1 = new HammingTask(codesWant, rows, codesWant, rows, 2, ex, k, new int[rows * k], new int[rows * k]);
    HammingTask t2 = new HammingTask(codesWant, rows, codesWant, rows, 2, ex, k, new int[rows * k], new int[rows * k]);
    JavaKernels.hammingTopK(t1, 0, rows);
    p.hammingTopK(t2, 0, rows);
    int at = Arrays.mismatch(t1.outIds(), t2.outIds());
    if (at < 0) {
      at = Arrays.mismatch(t1.outDist(), t2.outDist());
    }
    if (at >= 0) {
      int a = at / k;
      throw new IllegalStateException(
          "Hamming top-k differs from Java for anchor " + a + ": ids "
              + Arrays.toString(Arrays.copyOfRange(t2.outIds(), a * k, a * k + k)) + " distances "
              + Arrays.toString(Arrays.copyOfRange(t2.outDist(), a * k, a * k + k)) + ", expected "
              + Arrays.toString(Arrays.copyOfRange(t1.outIds(), a * k, a * k + k)) + " / "
              + Arrays.toString(Arrays.copyOfRange(t1.outDist(), a * k, a * k + k)));
    }
  }

  private static void fill(SplittableRandom rnd, float[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
  }
}
