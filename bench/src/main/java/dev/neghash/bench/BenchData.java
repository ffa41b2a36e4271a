package dev.neghash.bench;

import dev.neghash.bench.data.FashionData;
import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Seeded inputs for the JMH benchmarks, built in {@code @Setup}, never inside a timed method. */
final class BenchData {

  /** Seed of every generated input and projection. */
  static final long SEED = 42;

  private BenchData() {}

  /** Unit vectors with labels. */
  record Vectors(float[] x, int[] labels, int n, int d) {}

  /**
   * {@code n} unit vectors of dimension {@code d}: Fashion-MNIST pixels ({@code d} must be 784)
   * when {@code data} is {@code fashion}, else seeded clustered synthetic embeddings.
   */
  static Vectors vectors(String data, int n, int d) {
    switch (data) {
      case "fashion" -> {
        if (d != 784) {
          throw new IllegalArgumentException("Fashion-MNIST pixels have d = 784, not " + d);
        }
        try {
          FashionData f = FashionData.pixels(n);
          if (f.n() < n) {
            throw new IllegalArgumentException("Fashion-MNIST has only " + f.n() + " training images");
          }
          return new Vectors(f.x(), f.labels(), f.n(), f.d());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case "synthetic" -> {
        SyntheticEmbeddings s = new SyntheticEmbeddings(n, d, SEED);
        return new Vectors(s.all(0), s.labels(), n, d);
      }
      default -> throw new IllegalArgumentException("data must be fashion or synthetic, got " + data);
    }
  }

  /** Packed codes of {@code v} at {@code bits}, encoded with the engine's default provider. */
  static PackedCodes codes(Vectors v, int bits) {
    return new Encoder(v.d(), Encoder.Options.of(bits, SEED), KernelProviders.get())
        .encode(v.x(), v.n()).codes();
  }

  /** Packed codes at {@code bits} of {@code n} seeded clustered synthetic vectors of dimension 128. */
  static PackedCodes syntheticCodes(int n, int bits) {
    return codes(vectors("synthetic", n, 128), bits);
  }

  /** Throws unless the two arrays are equal (setup-time parity check of two variants). */
  static void requireEqual(String what, Object a, Object b) {
    boolean eq = switch (a) {
      case int[] x -> java.util.Arrays.equals(x, (int[]) b);
      case long[] x -> java.util.Arrays.equals(x, (long[]) b);
      case float[] x -> java.util.Arrays.equals(x, (float[]) b);
      default -> throw new IllegalArgumentException("unsupported type");
    };
    if (!eq) {
      throw new IllegalStateException(what + ": the variants disagree; the benchmark would compare different work");
    }
  }
}
