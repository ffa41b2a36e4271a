package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.io.JsonResults;
import dev.neghash.engine.mining.HardPositives;
import dev.neghash.engine.search.SearchOptions;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neghash negatives}: hard negatives per anchor. */
@Command(name = "negatives", mixinStandardHelpOptions = true,
    description = {
      "Hard negatives per item from its top-k list: the nearest (--strategy top) or a seeded",
      "choice inside a rank window (--strategy random). Writes PREFIX.negatives.npy (int32 N x count,",
      "-1 padding) or PREFIX.negatives.jsonl, plus PREFIX.hard_positives.npy with --hard-positives."})
final class NegativesCommand extends MiningCommand {

  @Option(names = "--k", defaultValue = "" + Defaults.K, description = "Top-k list length (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--count", defaultValue = "" + Defaults.NEGATIVES, description = "Negatives per item (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--strategy", defaultValue = "top", description = "top or random (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(names = "--range-min", defaultValue = "0", description = "First rank of the random window, inclusive.")
  int rangeMin;

  @Option(names = "--range-max", description = "End of the random window, exclusive (default: k).")
  Integer rangeMax;

  @Option(names = "--max-cosine", description = "Skip neighbours whose estimated cosine cos(pi*h/b) exceeds this.")
  Double maxCosine;

  @Option(names = "--hard-positives", description = "Also write the farthest same-label item of each anchor.")
  boolean hardPositives;

  @Option(names = "--format", defaultValue = "npy", description = "npy or jsonl (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--exact", description = "Mine from exact cosine neighbours instead of LSH.")
  boolean exact;

  @Override
  public Integer call() throws Exception {
    checkFormat(format, "jsonl");
    if (hardPositives && in.labels == null) {
      throw new InvalidInputException("--hard-positives needs --labels");
    }
    if (hardPositives && exact) {
      throw new InvalidInputException("--hard-positives uses the LSH codes; drop --exact");
    }
    MiningOptions mo;
    try {
      mo = new MiningOptions(MiningOptions.Strategy.parse(strategy), count, rangeMin,
          rangeMax != null ? rangeMax : k, maxCosine != null ? maxCosine : Double.NaN, common.seed);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
    Pipeline.Result r = Pipeline.run(in.embeddings, in.labels, common, k, exact);
    Negatives neg = r.neghash().negatives(r.neighbours(), mo);
    HardPositives hp = hardPositives
        ? r.neghash().hardPositives(r.encoded().codes(), SearchOptions.k(k).labels(r.labels()))
        : null;
    Outputs o = new Outputs(in.out);
    if (format.equals("npy")) {
      o.int32(".negatives.npy", neg.ids(), neg.n(), neg.count());
      if (hp != null) {
        o.int32(".hard_positives.npy", hp.ids(), hp.ids().length, 1);
      }
    } else {
      int[] lab = r.labels();
      o.text(".negatives.jsonl", w -> {
        for (int a = 0; a < neg.n(); a++) {
          int f = neg.found(a);
          int[] ids = java.util.Arrays.copyOfRange(neg.ids(), a * count, a * count + f);
          int[] negLabels = null;
          if (lab != null) {
            negLabels = new int[f];
            for (int i = 0; i < f; i++) {
              negLabels[i] = lab[ids[i]];
            }
          }
          new JsonResults.NegativesLine(a, lab == null ? null : lab[a], ids, negLabels,
              neg.hamming() == null ? null : java.util.Arrays.copyOfRange(neg.hamming(), a * count, a * count + f),
              java.util.Arrays.copyOfRange(neg.estimatedCosine(), a * count, a * count + f),
              hp == null ? null : hp.ids()[a]).appendTo(w);
        }
      });
    }
    summary(r, k, exact);
    out().println(String.format(Locale.ROOT,
        "negatives: %d per anchor (%s), %d anchors short -> %s",
        count, strategy, neg.shortAnchors().length, o.written()));
    return 0;
  }
}
