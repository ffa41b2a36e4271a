package dev.neghash.cli;

import dev.neghash.engine.io.IdxImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it: the demo's and the
 * export's data (60,000 training images of 28 x 28 pixels, 10 classes).
 */
public final class FashionMnist {

  /** Where Debian installs the data set. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Pixels per image. */
  public static final int DIMS = 784;

  /** The class names, by label. */
  public static final String[] CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private FashionMnist() {}

  /** Whether the Debian package's training files are present. */
  public static boolean available() {
    return Files.isReadable(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
  }

  /** The 60,000 training images from the Debian package. */
  public static IdxImages train() throws IOException {
    return train(DEBIAN_DIR);
  }

  /** The training images of the IDX files in {@code dir}. */
  public static IdxImages train(Path dir) throws IOException {
    return IdxImages.load(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
  }
}
