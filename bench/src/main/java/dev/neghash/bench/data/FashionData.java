package dev.neghash.bench.data;

import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.util.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The benchmark's real data: Fashion-MNIST training images from Debian's {@code
 * dataset-fashion-mnist} as L2-normalised 784-d pixel vectors, and their principal-component
 * projection.
 *
 * @param x {@code n x d} unit rows
 * @param labels class per row (0-9)
 * @param n rows
 * @param d dimension
 */
public record FashionData(float[] x, int[] labels, int n, int d) {

  /** Where Debian installs the data set. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Whether the Debian package's training files are present. */
  public static boolean available() {
    return Files.isReadable(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
  }

  /** The first {@code limit} training images as unit pixel vectors. */
  public static FashionData pixels(int limit) throws IOException {
    if (!available()) {
      throw new IOException(
          "Fashion-MNIST not found in " + DEBIAN_DIR + "; install it with: apt-get install dataset-fashion-mnist");
    }
    IdxImages f = IdxImages.load(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"),
        DEBIAN_DIR.resolve("train-labels-idx1-ubyte.gz")).head(limit);
    float[] x = f.images();
    Encoder.normalizeRows(x, f.n(), f.dims());
    return new FashionData(x, f.labels(), f.n(), f.dims());
  }

  /**
   * Projects these rows onto their top {@code dims} principal components (centred on the mean
   * row, covariance eigenvectors by EJML) and L2-normalises the result.
   *
   * <p>The covariance {@code Xc^T Xc} is computed with the kernel provider's projection kernel
   * (it is a {@code d x n} by {@code n x d} product), split over {@code threads}.
   */
  public FashionData pca(int dims, KernelProvider kernels, int threads) {
    if (dims < 1 || dims > d) {
      throw new IllegalArgumentException("PCA dims must be in [1, " + d + "], got " + dims);
    }
    double[] mean = new double[d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        mean[i] += x[r * d + i];
      }
    }
    for (int i = 0; i < d; i++) {
      mean[i] /= n;
    }
    float[] xc = new float[n * d];
    float[] xcT = new float[d * n];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        float v = (float) (x[r * d + i] - mean[i]);
        xc[r * d + i] = v;
        xcT[i * n + r] = v;
      }
    }
    float[] cov = new float[d * d];
    // Row block [a, b) of the covariance: rows a..b of Xc^T times Xc.
    Parallel.forRange(threads, d, 16, (a, b) -> {
      float[] part = new float[(b - a) * d];
      kernels.project(Arrays.copyOfRange(xcT, a * n, b * n), b - a, n, xc, d, part);
      System.arraycopy(part, 0, cov, a * d, part.length);
    });
    DMatrixRMaj c = new DMatrixRMaj(d, d);
    for (int i = 0; i < d * d; i++) {
      c.data[i] = cov[i] / (double) n;
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(c)) {
      throw new IllegalStateException("eigen decomposition of the covariance failed");
    }
    Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -eig.getEigenvalue(j).getReal())
        .thenComparingInt(j -> j));
    float[] basis = new float[d * dims]; // d x dims: column j is component j
    for (int j = 0; j < dims; j++) {
      DMatrixRMaj v = eig.getEigenVector(order[j]);
      for (int i = 0; i < d; i++) {
        basis[i * dims + j] = (float) v.get(i, 0);
      }
    }
    float[] y = new float[n * dims];
    Parallel.forRange(threads, n, 1024, (a, b) -> {
      float[] part = new float[(b - a) * dims];
      kernels.project(Arrays.copyOfRange(xc, a * d, b * d), b - a, d, basis, dims, part);
      System.arraycopy(part, 0, y, a * dims, part.length);
    });
    Encoder.normalizeRows(y, n, dims);
    return new FashionData(y, labels, n, dims);
  }
}
