package dev.neghash.engine.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Loads Fashion-MNIST from the IDX files of Debian's {@code dataset-fashion-mnist} package
 * (pixels as 784-dimensional float vectors in [0, 1], labels 0-9).
 *
 * @param images {@code n x 784} floats, row-major
 * @param labels {@code n} labels
 * @param n number of images
 */
public record FashionMnist(float[] images, int[] labels, int n) {

  /** Where Debian installs the data set. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Pixels per image. */
  public static final int DIMS = 784;

  /** Whether the Debian package's training files are present. */
  public static boolean available() {
    return Files.isReadable(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
  }

  /** The 60,000 training images from the Debian package. */
  public static FashionMnist train() throws IOException {
    return load(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"), DEBIAN_DIR.resolve("train-labels-idx1-ubyte.gz"));
  }

  /** Loads an IDX image file and its label file (gzip-compressed or not). */
  public static FashionMnist load(Path images, Path labels) throws IOException {
    try (DataInputStream im = open(images); DataInputStream lb = open(labels)) {
      if (im.readInt() != 0x00000803) {
        throw new IOException(images + " is not an IDX3 image file");
      }
      int n = im.readInt();
      int rows = im.readInt();
      int cols = im.readInt();
      if (lb.readInt() != 0x00000801 || lb.readInt() != n) {
        throw new IOException(labels + " is not an IDX1 label file for " + n + " images");
      }
      int d = rows * cols;
      byte[] px = new byte[n * d];
      im.readFully(px);
      float[] x = new float[n * d];
      for (int i = 0; i < px.length; i++) {
        x[i] = (px[i] & 0xFF) / 255f;
      }
      byte[] l = new byte[n];
      lb.readFully(l);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = l[i] & 0xFF;
      }
      return new FashionMnist(x, y, n);
    }
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16);
    if (p.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new DataInputStream(in);
  }

  /** The first {@code m} images. */
  public FashionMnist head(int m) {
    int k = Math.min(m, n);
    return new FashionMnist(java.util.Arrays.copyOf(images, k * DIMS), java.util.Arrays.copyOf(labels, k), k);
  }
}
