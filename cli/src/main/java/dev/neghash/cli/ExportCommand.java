package dev.neghash.cli;

import dev.neghash.engine.io.IdxImages;
import dev.neghash.engine.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neghash export-fashion-mnist}: sample inputs for trying the other commands and the API. */
@Command(name = "export-fashion-mnist", mixinStandardHelpOptions = true,
    description = {
      "Write the Fashion-MNIST training set (Debian package dataset-fashion-mnist) as",
      "DIR/embeddings.npy (float32, N x 784 pixels in [0, 1]) and DIR/labels.npy (int32, N),",
      "ready for encode, mine, negatives, batches and the HTTP API; and, for the dashboard,",
      "DIR/previews.npy (uint8, N x 28 x 28 images) and DIR/label_names.json (the class names)."})
final class ExportCommand implements Callable<Integer> {

  /** Fashion-MNIST's class names, by label, as a JSON array (PUT .../label-names takes it as is). */
  static final String CLASS_NAMES = java.util.Arrays.stream(FashionMnist.CLASSES).map(c -> "\"" + c + "\"")
      .collect(java.util.stream.Collectors.joining(", ", "[", "]\n"));

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out-dir", required = true, description = "Folder to write into.")
  Path outDir;

  @Option(names = "--limit", description = "Only the first N images.")
  Integer limit;

  @Override
  public Integer call() throws Exception {
    if (!FashionMnist.available()) {
      throw new InvalidInputException("Fashion-MNIST not found at " + FashionMnist.DEBIAN_DIR
          + "; install it with: sudo apt-get install dataset-fashion-mnist");
    }
    IdxImages data = FashionMnist.train();
    if (limit != null) {
      if (limit < 2) {
        throw new InvalidInputException("--limit must be at least 2");
      }
      data = data.head(limit);
    }
    Outputs o = new Outputs(outDir.resolve("").toString() + "/");
    o.float32("embeddings.npy", data.images(), data.n(), FashionMnist.DIMS);
    ByteBuffer bb = ByteBuffer.allocate(data.n() * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(data.labels());
    byte[] labels = dev.neghash.engine.io.Npy.bytes("<i4", new long[] {data.n()}, bb.array());
    o.raw("labels.npy", labels);
    // The pixels again as bytes (they are k / 255 exactly), as the images the dashboard shows.
    float[] x = data.images();
    byte[] px = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      px[i] = (byte) Math.round(x[i] * 255f);
    }
    o.raw("previews.npy", dev.neghash.engine.io.Npy.bytes("|u1", new long[] {data.n(), 28, 28}, px));
    o.raw("label_names.json", CLASS_NAMES.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    spec.commandLine().getOut().printf("wrote %d images: %s%n", data.n(), o.written());
    return 0;
  }
}
