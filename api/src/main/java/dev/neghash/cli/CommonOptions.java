package dev.neghash.cli;

import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import picocli.CommandLine.Option;

/** Options shared by the commands that encode embeddings. */
public final class CommonOptions {

  @Option(names = "--bits", defaultValue = "512", description = "Code length: a multiple of 64 from 64 to 4096 (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the random hyperplanes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-center", negatable = false, description = "Do not centre projections on their per-bit mean (plain SimHash signs).")
  boolean noCenter;

  @Option(names = "--no-normalize", negatable = false, description = "Do not scale rows to unit L2 norm before projecting.")
  boolean noNormalize;

  @Option(names = "--threads", defaultValue = "0", description = "Worker threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--spill-dir", description = "Where projections spill when they exceed the memory budget (default: the system temp dir).")
  java.nio.file.Path spillDir;

  /** The encoder settings these options describe. */
  Encoder.Options encoderOptions() {
    return new Encoder.Options(bits, seed, !noCenter, !noNormalize, threads,
        Encoder.Options.DEFAULT_MEMORY_BUDGET, spillDir);
  }

  /** Resolved thread count. */
  int threadCount() {
    return dev.neghash.engine.util.Parallel.resolve(threads);
  }

  /** The kernel provider's name, for summaries. */
  static String provider() {
    return KernelProviders.get().name();
  }
}
