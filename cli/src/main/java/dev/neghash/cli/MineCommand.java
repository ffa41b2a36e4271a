package dev.neghash.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neghash mine}: top-k neighbour lists of every item. */
@Command(name = "mine", mixinStandardHelpOptions = true,
    description = {
      "All-pairs top-k neighbours of every item, excluding itself and items with its label,",
      "writing PREFIX.indices.npy (int32 N x k, -1 where fewer than k exist) and",
      "PREFIX.distances.npy (int32 Hamming; float32 cosine with --exact), nearest first."})
final class MineCommand extends MiningCommand {

  @Option(names = "--k", required = true, description = "Neighbours per item, 1 <= k < N.")
  int k;

  @Option(names = "--queries", description = "Query/reference mode: anchors from this .npy, candidates from --embeddings (nothing excluded as self).")
  Path queries;

  @Option(names = "--query-labels", description = "Labels of the queries (with --queries and --labels).")
  Path queryLabels;

  @Option(names = "--exact", description = "Exact cosine search on the floats instead of LSH.")
  boolean exact;

  @Override
  public Integer call() throws Exception {
    Pipeline.Result r = Pipeline.run(in.embeddings, in.labels, queries, queryLabels, common, k, exact);
    var nb = r.neighbours();
    Outputs o = new Outputs(in.out);
    o.int32(".indices.npy", nb.ids(), nb.n(), nb.k());
    if (exact) {
      o.float32(".distances.npy", nb.similarity(), nb.n(), nb.k());
    } else {
      o.int32(".distances.npy", nb.hamming(), nb.n(), nb.k());
    }
    summary(r, k, exact);
    return 0;
  }
}
