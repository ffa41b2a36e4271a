package dev.neghash.bench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neghash.engine.kernel.KernelProviders;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class FashionDataTest {

  /** Data in a 5-dimensional affine subspace: PCA to 5 dimensions keeps every centred angle. */
  @Test
  void pcaIsAnIsometryOnDataOfThatRank() {
    int n = 400;
    int d = 30;
    int r = 5;
    RandomGenerator g = RandomGeneratorFactory.of("L64X128MixRandom").create(3);
    double[][] basis = new double[r][d];
    for (double[] b : basis) {
      for (int i = 0; i < d; i++) {
        b[i] = g.nextGaussian();
      }
    }
    double[] offset = new double[d];
    for (int i = 0; i < d; i++) {
      offset[i] = 3 * g.nextGaussian();
    }
    float[] x = new float[n * d];
    for (int row = 0; row < n; row++) {
      for (int j = 0; j < r; j++) {
        double z = g.nextGaussian() * (j + 1);
        for (int i = 0; i < d; i++) {
          x[row * d + i] += (float) (z * basis[j][i]);
        }
      }
      for (int i = 0; i < d; i++) {
        x[row * d + i] += (float) offset[i];
      }
    }
    double[] mean = new double[d];
    for (int row = 0; row < n; row++) {
      for (int i = 0; i < d; i++) {
        mean[i] += x[row * d + i] / n;
      }
    }
    FashionData p = new FashionData(x, new int[n], n, d).pca(r, KernelProviders.get(), 2);
    assertThat(p.d()).isEqualTo(r);
    for (int a = 0; a < 20; a++) {
      for (int b = a + 1; b < 20; b++) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < d; i++) {
          double u = x[a * d + i] - mean[i];
          double v = x[b * d + i] - mean[i];
          dot += u * v;
          na += u * u;
          nb += v * v;
        }
        double pd = 0;
        for (int j = 0; j < r; j++) {
          pd += p.x()[a * r + j] * p.x()[b * r + j];
        }
        assertThat(pd).isCloseTo(dot / Math.sqrt(na * nb), within(1e-3));
      }
    }
  }

  @Test
  void loadsUnitPixelVectorsFromTheDebianPackage() throws Exception {
    assumeTrue(FashionData.available(), "dataset-fashion-mnist is not installed");
    FashionData f = FashionData.pixels(100);
    assertThat(f.n()).isEqualTo(100);
    assertThat(f.d()).isEqualTo(784);
    double s = 0;
    for (int i = 0; i < 784; i++) {
      s += f.x()[i] * f.x()[i];
    }
    assertThat(s).isCloseTo(1.0, within(1e-5));
    assertThat(java.util.Arrays.stream(f.labels()).boxed()).allSatisfy(l -> assertThat(l).isBetween(0, 9));
  }
}
