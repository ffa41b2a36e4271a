package dev.neghash.bench;

import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.lsh.Projection;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.Progress;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The providers of {@link TornadoKernelsBenchmark} in alternating rounds inside one JVM, with the
 * minimum and median per provider: on a shared, loaded machine every provider then sees the same
 * conditions, which separate JMH forks do not. Also checks that all providers return the same codes
 * and neighbours. Usage: {@code java @$TORNADOVM_HOME/tornado-argfile -cp bench/target/benchmarks.jar
 * dev.neghash.bench.InterleavedProviders N BITS K ROUNDS}.
 */
public final class InterleavedProviders {

  private static final int DIMS = 784;
  private static final int ROWS_PER_TASK = 256;
  private static final String[] NAMES = {"java", "panama", "tornado"};
  private static final String[] OPS = {"project", "binarize", "hammingTopK"};

  private InterleavedProviders() {}

  /** Runs the comparison and prints one line per round and a summary. */
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int bits = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    KernelProvider[] providers = new KernelProvider[NAMES.length];
    for (int p = 0; p < NAMES.length; p++) {
      providers[p] = KernelProviders.byName(NAMES[p]);
    }
    SplittableRandom rnd = new SplittableRandom(42);
    float[] x = new float[n * DIMS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    float[] rT = Projection.create(DIMS, bits, 7).transposed();
    Encoder.Encoded enc = new Encoder(DIMS, Encoder.Options.of(bits, 7), providers[1]).encode(x, n);
    PackedCodes codes = enc.codes();
    float[] z = new float[n * bits];
    providers[1].project(x, n, DIMS, rT, bits, z);
    double[][][] ms = new double[NAMES.length][OPS.length][rounds];
    long[] refCodes = null;
    int[] refIds = null;
    for (int r = 0; r < rounds; r++) {
      for (int p = 0; p < NAMES.length; p++) {
        KernelProvider kp = providers[p];
        long t0 = System.nanoTime();
        float[] zOut = new float[n * bits];
        Parallel.forRange(0, n, ROWS_PER_TASK, (from, to) -> {
          float[] zs = new float[(to - from) * bits];
          kp.project(Arrays.copyOfRange(x, from * DIMS, to * DIMS), to - from, DIMS, rT, bits, zs);
          System.arraycopy(zs, 0, zOut, from * bits, zs.length);
        });
        long t1 = System.nanoTime();
        long[] out = new long[n * (bits / 64)];
        Parallel.forRange(0, n, ROWS_PER_TASK, (from, to) ->
            kp.binarize(Arrays.copyOfRange(z, from * bits, to * bits), to - from, bits, enc.mean(),
                out, from * (bits / 64)));
        long t2 = System.nanoTime();
        Neighbours nb = HammingSearch.search(codes, codes, Exclusions.selfOnly(), k, 0, kp, Progress.NONE);
        long t3 = System.nanoTime();
        if (refCodes == null) {
          refCodes = out;
          refIds = nb.ids();
        } else if (!Arrays.equals(refCodes, out) || !Arrays.equals(refIds, nb.ids())) {
          throw new IllegalStateException(NAMES[p] + " returned other results than " + NAMES[0]);
        }
        ms[p][0][r] = (t1 - t0) / 1e6;
        ms[p][1][r] = (t2 - t1) / 1e6;
        ms[p][2][r] = (t3 - t2) / 1e6;
        System.out.printf("round %d %-8s project %9.1f ms  binarize %8.1f ms  hammingTopK %9.1f ms%n",
            r, NAMES[p], ms[p][0][r], ms[p][1][r], ms[p][2][r]);
      }
    }
    System.out.printf("N=%d bits=%d k=%d d=%d: min and median of %d rounds (round 0, the warm-up, dropped)%n",
        n, bits, k, DIMS, rounds - 1);
    for (int o = 0; o < OPS.length; o++) {
      for (int p = 0; p < NAMES.length; p++) {
        double[] v = Arrays.copyOfRange(ms[p][o], 1, rounds);
        Arrays.sort(v);
        System.out.printf("%-12s %-8s min %9.1f ms  median %9.1f ms%n", OPS[o], NAMES[p], v[0], v[v.length / 2]);
      }
    }
  }
}
