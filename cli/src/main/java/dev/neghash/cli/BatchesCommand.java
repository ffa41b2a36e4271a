package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.io.JsonResults;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neghash batches}: the next epoch's batches. */
@Command(name = "batches", mixinStandardHelpOptions = true,
    description = {
      "Batches for the next epoch, Sample4Geo style: seeded anchor order, each anchor pulls half its",
      "nearest neighbours and half random ones from its top-k; every item at most once, no label twice",
      "in a batch. Writes PREFIX.batches.npy (int32, batches x batch-size) or PREFIX.batches.json."})
final class BatchesCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--k", defaultValue = "" + Defaults.K, description = "Top-k list length (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--batch-size", defaultValue = "" + Defaults.BATCH_SIZE, description = "Items per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--neighbours", description = "Neighbours each anchor pulls in (default: batch-size / 2).")
  Integer neighbours;

  @Option(names = "--format", defaultValue = "npy", description = "npy or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Mixin InputOptions in;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("npy") && !format.equals("json")) {
      throw new InvalidInputException("--format must be npy or json, got " + format);
    }
    BatchOptions bo;
    try {
      bo = new BatchOptions(batchSize, neighbours != null ? neighbours : Defaults.batchNeighbours(batchSize), common.seed,
          Defaults.BATCH_PASSES);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
    Pipeline.Result r = Pipeline.run(in.embeddings, in.labels, common, k, false);
    Batches b = r.neghash().batches(r.neighbours(), r.labels(), bo);
    Outputs o = new Outputs(in.out);
    if (format.equals("npy")) {
      o.int32(".batches.npy", b.flat(), b.batches().size(), batchSize);
    } else {
      o.text(".batches.json", w -> JsonResults.batches(w, batchSize, b.leftOut(), b.batches().iterator()));
    }
    Pipeline.summary(spec.commandLine().getOut(), r, common, k, false);
    spec.commandLine().getOut().println(String.format(Locale.ROOT,
        "batches: %d of %d, %d items left out -> %s", b.batches().size(), batchSize, b.leftOut(), o.written()));
    return 0;
  }
}
