package dev.neghash.cli;

import dev.neghash.engine.Defaults;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.kernel.KernelProviders;
import picocli.CommandLine.Option;

/** Options shared by the commands that encode embeddings. */
public final class CommonOptions {

  @Option(names = "--bits", defaultValue = "" + Defaults.BITS, description = "Code length: a multiple of 64 from 64 to 4096 (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--seed", defaultValue = "" + Defaults.SEED, description = "Seed of the random hyperplanes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-center", negatable = false, description = "Do not centre projections on their per-bit mean (plain SimHash signs).")
  boolean noCenter;

  @Option(names = "--no-normalize", negatable = false, description = "Do not scale rows to unit L2 norm before projecting.")
  boolean noNormalize;

  @Option(names = "--threads", defaultValue = "" + Defaults.THREADS, description = "Worker threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--spill-dir", description = "Where projections spill when they exceed the memory budget (default: the system temp dir).")
  java.nio.file.Path spillDir;

  /** The engine with the settings these options describe. */
  NegHash neghash() {
    return neghash(!noNormalize);
  }

  /**
   * The engine with these settings but normalisation as given: exact search and quality reports
   * always compare unit rows, whatever {@code --no-normalize} says about encoding.
   */
  NegHash neghash(boolean normalize) {
    return NegHash.builder().bits(bits).seed(seed).center(!noCenter).normalize(normalize).threads(threads)
        .encoderMemory(Defaults.ENCODER_MEMORY_BYTES, spillDir).build();
  }

  /** Resolved thread count. */
  int threadCount() {
    return neghash().threadCount();
  }

  /** The kernel provider's name, for summaries. */
  static String provider() {
    return KernelProviders.get().name();
  }
}
