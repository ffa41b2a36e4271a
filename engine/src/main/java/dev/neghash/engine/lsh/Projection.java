package dev.neghash.engine.lsh;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * The seeded random hyperplanes of the method (step 1 of Deuser et al., arXiv:2505.17844): a
 * {@code bits x dims} matrix R whose rows are orthonormal within blocks of at most {@code dims}
 * rows.
 *
 * <p>For each block of {@code m = min(dims, bits left)} rows, a {@code dims x m} matrix of i.i.d.
 * standard normals is drawn (row-major, from generator {@value #GENERATOR} seeded with {@code
 * seed}, one stream for all blocks, normals by the Box-Muller transform in {@link StrictMath}),
 * orthonormalised by a Householder QR (EJML), and its Q columns become the block's rows of R. The
 * named generator algorithm and strict math make R the same on every machine and JDK.
 */
public final class Projection {

  /** The JDK random generator algorithm used, fixed by name so results never drift. */
  public static final String GENERATOR = "L64X128MixRandom";

  private final int dims;
  private final int bits;
  private final long seed;
  private final float[] transposed;

  private Projection(int dims, int bits, long seed, float[] transposed) {
    this.dims = dims;
    this.bits = bits;
    this.seed = seed;
    this.transposed = transposed;
  }

  /** Builds the projection for {@code dims}-dimensional input and {@code bits} output bits. */
  public static Projection create(int dims, int bits, long seed) {
    if (dims < 1) {
      throw new IllegalArgumentException("dims must be >= 1, got " + dims);
    }
    PackedCodes.checkBits(bits);
    RandomGenerator rng = RandomGeneratorFactory.of(GENERATOR).create(seed);
    float[] rT = new float[dims * bits];
    // All blocks' normals come from the one stream, in block order; the blocks' QR factorisations
    // are then independent of each other and run side by side (from 2 * dims bits on).
    List<DMatrixRMaj> gaussians = new ArrayList<>();
    for (int start = 0; start < bits; start += dims) {
      int m = Math.min(dims, bits - start);
      DMatrixRMaj g = new DMatrixRMaj(dims, m);
      double[] data = g.data;
      for (int i = 0; i < data.length; i += 2) {
        double u1 = 1.0 - uniform(rng); // (0, 1]
        double u2 = uniform(rng);
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        data[i] = r * StrictMath.cos(2.0 * StrictMath.PI * u2);
        if (i + 1 < data.length) {
          data[i + 1] = r * StrictMath.sin(2.0 * StrictMath.PI * u2);
        }
      }
      gaussians.add(g);
    }
    IntStream.range(0, gaussians.size()).parallel().forEach(b -> {
      DMatrixRMaj g = gaussians.get(b);
      int start = b * dims;
      int m = g.numCols;
      QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(dims, m);
      if (!qr.decompose(g)) {
        throw new IllegalStateException("QR decomposition failed");
      }
      DMatrixRMaj q = qr.getQ(null, true); // dims x m, orthonormal columns
      for (int i = 0; i < dims; i++) {
        for (int j = 0; j < m; j++) {
          rT[i * bits + start + j] = (float) q.get(i, j);
        }
      }
    });
    return new Projection(dims, bits, seed, rT);
  }

  private static double uniform(RandomGenerator rng) {
    return (rng.nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Input dimension d. */
  public int dims() {
    return dims;
  }

  /** Output bits b. */
  public int bits() {
    return bits;
  }

  /** The seed R was drawn from. */
  public long seed() {
    return seed;
  }

  /**
   * R transposed, {@code dims x bits} row-major: element {@code [i * bits + j]} is R[j][i]. Shared,
   * do not modify.
   */
  public float[] transposed() {
    return transposed;
  }

  /** Row {@code j} of R as doubles (for tests and diagnostics). */
  public double[] row(int j) {
    double[] r = new double[dims];
    for (int i = 0; i < dims; i++) {
      r[i] = transposed[i * bits + j];
    }
    return r;
  }
}
