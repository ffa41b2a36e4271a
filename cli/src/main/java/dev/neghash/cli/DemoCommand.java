package dev.neghash.cli;

import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neghash demo}: mines Fashion-MNIST end to end and shows what it found. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "Mine the Fashion-MNIST training set (Debian package dataset-fashion-mnist; 60,000 images as",
      "L2-normalised 784-d pixel vectors) end to end: encode, search, negatives, and overlap@k",
      "against exact cosine neighbours on a seeded sample."})
final class DemoCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--k", defaultValue = "32", description = "Neighbours per item (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--limit", description = "Use only the first N images.")
  Integer limit;

  @Option(names = "--sample", defaultValue = "" + Defaults.QUALITY_SAMPLE, description = "Anchors sampled for the quality report (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--data-dir", description = "Folder with the IDX files (default: /usr/share/datasets/fashion-mnist).")
  Path dataDir;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    if (!java.nio.file.Files.isReadable(images)) {
      throw new InvalidInputException("Fashion-MNIST not found at " + dir
          + "; install it with: sudo apt-get install dataset-fashion-mnist");
    }
    long t0 = System.nanoTime();
    IdxImages data = FashionMnist.train(dir);
    if (limit != null) {
      data = data.head(limit);
    }
    int n = data.n();
    int d = FashionMnist.DIMS;
    Inputs.checkK(k, n);
    double load = secs(t0);
    out.printf(Locale.ROOT, "Fashion-MNIST train: N=%d images, d=%d pixels, 10 classes (loaded in %.2fs)%n", n, d, load);
    out.printf(Locale.ROOT, "kernels=%s (%s), threads=%d, bits=%d, k=%d, centring=%s%n",
        KernelProviders.get().name(), KernelProviders.selection().reason(), common.threadCount(),
        common.bits, k, common.noCenter ? "off" : "on");

    NegHash neghash = common.neghash();
    SearchOptions search = SearchOptions.k(k).labels(data.labels());
    long t1 = System.nanoTime();
    PackedCodes codes = neghash.encode(data.images(), n, d);
    double encode = secs(t1);
    long t2 = System.nanoTime();
    Neighbours nb = neghash.search(codes, search);
    double searchSeconds = secs(t2);
    Negatives neg = neghash.negatives(nb, MiningOptions.top(Math.min(Defaults.NEGATIVES, k)));

    int bytes = common.bits / 8;
    out.printf(Locale.ROOT, "encode  %8.3fs  (%.0f items/s)%n", encode, n / encode);
    out.printf(Locale.ROOT, "search  %8.3fs  (%.0f anchors/s, all %d x %d pairs)%n", searchSeconds, n / searchSeconds, n, n);
    out.printf(Locale.ROOT, "memory  %d bytes/item vs %d as float32: %.1fx smaller (%.1f MB vs %.1f MB)%n",
        bytes, 4 * d, 4.0 * d / bytes, (double) bytes * n / 1e6, 4.0 * d * n / 1e6);

    long t3 = System.nanoTime();
    QualityReport q = common.neghash(true).quality(nb, FloatRows.of(data.images(), d), n, d, search, sample, common.seed);
    out.printf(Locale.ROOT, "quality overlap@%d=%.3f, mean positional distance=%.1f vs exact cosine (%d sampled anchors, %.2fs)%n",
        k, q.overlap(), q.meanPositionalDistance(), q.sampled(), secs(t3));

    int a = 0;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < neg.found(a); i++) {
      int c = neg.ids()[i];
      sb.append(String.format(Locale.ROOT, "%s#%d %s (h=%d, cos~%.2f)",
          i > 0 ? ", " : "", c, FashionMnist.CLASSES[data.labels()[c]], neg.hamming()[i], neg.estimatedCosine()[i]));
    }
    out.printf("hard negatives of image #%d (%s): %s%n", a, FashionMnist.CLASSES[data.labels()[a]], sb);
    return 0;
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
