package dev.neghash.bench.data;

import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.util.Parallel;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Seeded clustered unit embeddings with labels, a stand-in for a trained model's output.
 *
 * <p>Item {@code i} belongs to class {@code i / }{@value #ITEMS_PER_CLASS} (its label). Class
 * centres lie near a {@value #LATENT}-dimensional subspace, as trained embeddings have a low
 * intrinsic dimension: centre {@code c = normalize(P z + }{@value #CLASS_SPREAD}{@code * g)}, where
 * {@code P} is a seeded orthonormal basis of the subspace (the first rows of a {@link Projection}),
 * {@code z} a standard normal {@value #LATENT}-vector scaled to length about 1, and {@code g} a
 * standard normal d-vector scaled to length about 1. An item is {@code normalize(c + }{@value
 * #ITEM_SPREAD}{@code * h)} with {@code h} like {@code g}. So classes have graded similarities:
 * an item's hardest negatives are the items of the few classes whose centres are nearest in the
 * subspace. Every vector is drawn from its own generator, seeded by the seed and its index, so any
 * row range is generated independently and the data does not depend on threads or chunking.
 */
public final class SyntheticEmbeddings {

  /** Items per class (label). */
  public static final int ITEMS_PER_CLASS = 10;

  /** Dimension of the subspace the class centres lie near. */
  public static final int LATENT = 32;

  /** Scale of a class centre's offset out of the subspace. */
  public static final double CLASS_SPREAD = 0.5;

  /** Scale of an item's offset from its class centre. */
  public static final double ITEM_SPREAD = 0.5;

  private static final long BASIS_STREAM = 1L << 40;
  private static final long CLASS_STREAM = 2L << 40;
  private static final long OFFSET_STREAM = 3L << 40;

  private final int n;
  private final int d;
  private final long seed;
  private final double[][] basis;

  /** Data of {@code n} items in {@code d} dimensions from {@code seed}. */
  public SyntheticEmbeddings(int n, int d, long seed) {
    if (n < 1 || d < 1) {
      throw new IllegalArgumentException("n and d must be positive");
    }
    if (d < LATENT) {
      throw new IllegalArgumentException("d must be at least " + LATENT);
    }
    this.n = n;
    this.d = d;
    this.seed = seed;
    Projection p = Projection.create(d, 64, mix(seed, BASIS_STREAM));
    this.basis = new double[LATENT][];
    for (int j = 0; j < LATENT; j++) {
      basis[j] = p.row(j);
    }
  }

  /** Number of items. */
  public int n() {
    return n;
  }

  /** Dimension. */
  public int d() {
    return d;
  }

  /** Label (class) of item {@code i}. */
  public static int label(int i) {
    return i / ITEMS_PER_CLASS;
  }

  /** Labels of all items. */
  public int[] labels() {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = label(i);
    }
    return l;
  }

  /** Fills {@code out} with unit rows {@code [from, to)}, row-major, using up to {@code threads}. */
  public void rows(int from, int to, float[] out, int threads) {
    if (from < 0 || to > n || from > to || out.length < (long) (to - from) * d) {
      throw new IllegalArgumentException("bad row range or buffer");
    }
    Parallel.forRange(threads, to - from, 256, (a, b) -> {
      double[] centre = new double[d];
      double[] v = new double[d];
      int centreOf = -1;
      for (int r = a; r < b; r++) {
        int i = from + r;
        int c = label(i);
        if (c != centreOf) {
          classCentre(c, centre);
          centreOf = c;
        }
        RandomGenerator g = rng(i);
        double scale = ITEM_SPREAD / Math.sqrt(d);
        double s = 0;
        int o = r * d;
        for (int j = 0; j < d; j++) {
          v[j] = centre[j] + scale * g.nextGaussian();
          s += v[j] * v[j];
        }
        double inv = 1.0 / Math.sqrt(s);
        for (int j = 0; j < d; j++) {
          out[o + j] = (float) (v[j] * inv);
        }
      }
    });
  }

  /** All rows in one array (only for sizes that fit one Java array). */
  public float[] all(int threads) {
    float[] x = new float[Math.multiplyExact(n, d)];
    rows(0, n, x, threads);
    return x;
  }

  private void classCentre(int c, double[] out) {
    RandomGenerator gz = rng(CLASS_STREAM + c);
    Arrays.fill(out, 0);
    double zs = 1.0 / Math.sqrt(LATENT);
    for (int j = 0; j < LATENT; j++) {
      double z = zs * gz.nextGaussian();
      double[] b = basis[j];
      for (int i = 0; i < d; i++) {
        out[i] += z * b[i];
      }
    }
    RandomGenerator gc = rng(OFFSET_STREAM + c);
    double scale = CLASS_SPREAD / Math.sqrt(d);
    double s = 0;
    for (int i = 0; i < d; i++) {
      out[i] += scale * gc.nextGaussian();
      s += out[i] * out[i];
    }
    double inv = 1.0 / Math.sqrt(s);
    for (int i = 0; i < d; i++) {
      out[i] *= inv;
    }
  }

  private RandomGenerator rng(long stream) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(mix(seed, stream));
  }

  /** A 64-bit mix of a seed and a stream index (the SplitMix64 finaliser). */
  public static long mix(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
