package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.io.JsonResults;
import dev.neghash.engine.mining.BatchHardness;
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
      "in a batch. With --items-per-label K: P x K batches for class-labelled data (P = batch-size / K",
      "labels, K items each, side by side), labels and items chosen by the same neighbour lists.",
      "With --rank-from R: anchors skip their R nearest neighbours and draw from ranks [R, k) only.",
      "Writes PREFIX.batches.npy (int32, batches x batch-size) or PREFIX.batches.json, and reports how",
      "hard the batches are: the mean over items of the highest cosine to another label's item in the",
      "batch, for these batches and for random batches of the same shape."})
final class BatchesCommand implements Callable<Integer> {

  /** Largest embeddings (N x d floats) the hardness report loads into memory. */
  static final long HARDNESS_MAX_FLOATS = 1L << 28;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--k", defaultValue = "" + Defaults.K, description = "Top-k list length (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--batch-size", defaultValue = "" + Defaults.BATCH_SIZE, description = "Items per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--neighbours", description = "Neighbours each anchor pulls in (default: batch-size / 2).")
  Integer neighbours;

  @Option(names = "--items-per-label", defaultValue = "0",
      description = "K items per label: P x K batches for class-labelled data (default: 0, no label twice in a batch).")
  int itemsPerLabel;

  @Option(names = "--random-share", defaultValue = "0",
      description = "Share of each P x K batch's labels chosen at random instead of mined, 0 to 1 (default: 0).")
  double randomShare;

  @Option(names = "--rank-from", defaultValue = "0",
      description = "Rank window: anchors skip their first N neighbours and draw from ranks [N, k) (default: 0).")
  int rankFrom;

  @Option(names = "--exact",
      description = "Build from exact cosine neighbours instead of LSH (P x K groups then top up with random items).")
  boolean exact;

  @Option(names = "--no-hardness", description = "Skip the hardness report (it loads the embeddings into memory).")
  boolean noHardness;

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
          Defaults.BATCH_PASSES, itemsPerLabel, randomShare, rankFrom);
      bo.checkRankWindow(k);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage().replace("itemsPerLabel", "--items-per-label")
          .replace("randomShare", "--random-share").replace("rankFrom", "--rank-from")
          .replace("list length k (", "list length --k ("));
    }
    // Refuse a batch size the labels cannot meet before encoding anything.
    long n = Inputs.shape(in.embeddings)[0];
    try {
      bo.checkFeasible(Inputs.labels(in.labels, n), (int) Math.min(n, Integer.MAX_VALUE));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.getMessage().replace("itemsPerLabel", "--items-per-label"));
    }
    Pipeline.Result r = Pipeline.run(in.embeddings, in.labels, common, k, exact);
    Batches b = r.neghash().batches(r.neighbours(), r.labels(), r.encoded() == null ? null : r.encoded().codes(), bo);
    String hardness = "";
    if (!noHardness && r.n() * r.d() <= HARDNESS_MAX_FLOATS) {
      int[] shape = new int[2];
      float[] x = Inputs.load(in.embeddings, shape);
      BatchHardness h = r.neghash().batchHardness(b, r.labels(), x, shape[1], common.seed);
      hardness = String.format(Locale.ROOT, ", hardness %.4f (random batches %.4f)", h.mined(), h.random());
    } else if (!noHardness) {
      hardness = ", hardness not measured (embeddings over " + HARDNESS_MAX_FLOATS + " floats)";
    }
    Outputs o = new Outputs(in.out);
    if (format.equals("npy")) {
      o.int32(".batches.npy", b.flat(), b.batches().size(), batchSize);
    } else {
      o.text(".batches.json", w -> JsonResults.batches(w, batchSize, b.leftOut(), b.batches().iterator()));
    }
    Pipeline.summary(spec.commandLine().getOut(), r, common, k, exact);
    spec.commandLine().getOut().println(String.format(Locale.ROOT,
        "batches: %d of %d, %d items left out%s -> %s", b.batches().size(), batchSize, b.leftOut(), hardness,
        o.written()));
    return 0;
  }
}
