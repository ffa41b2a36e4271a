package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** What the commands that mine an embeddings file share: its input and encoding options and their output. */
abstract class MiningCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin InputOptions in;

  @Mixin CommonOptions common;

  /** Where the command prints. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints the one-line summary of the mining run (see {@link Pipeline#summary}). */
  void summary(Pipeline.Result r, int k, boolean exact) {
    Pipeline.summary(out(), r, common, k, exact);
  }

  /** Refuses a {@code --format} other than {@code npy} and {@code other}. */
  static void checkFormat(String format, String other) {
    if (!format.equals("npy") && !format.equals(other)) {
      throw new InvalidInputException("--format must be npy or " + other + ", got " + format);
    }
  }
}
