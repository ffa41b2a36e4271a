package dev.neghash.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The input files and output prefix of the mining commands. */
public final class InputOptions {

  @Option(names = "--embeddings", required = true, description = "Embeddings .npy: float16/32/64, C order, shape (N, d).")
  Path embeddings;

  @Option(names = "--labels", description = "Labels .npy (N,), int32 or int64; same-label items are never neighbours.")
  Path labels;

  @Option(names = "--out", required = true, description = "Output prefix.")
  String out;
}
