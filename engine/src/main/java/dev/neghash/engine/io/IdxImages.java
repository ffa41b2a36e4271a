package dev.neghash.engine.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Images and labels in the IDX format of the MNIST family of data sets (an {@code idx3-ubyte}
 * image file and an {@code idx1-ubyte} label file, gzip-compressed or not): pixels as floats in
 * [0, 1], one row of {@code rows x cols} per image.
 *
 * @param images {@code n x dims} floats, row-major
 * @param labels {@code n} labels
 * @param n number of images
 * @param dims pixels per image
 */
public record IdxImages(float[] images, int[] labels, int n, int dims) {

  /** Loads an IDX image file and its label file. */
  public static IdxImages load(Path images, Path labels) throws IOException {
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
      return new IdxImages(x, y, n, d);
    }
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    if (p.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new DataInputStream(in);
  }

  /** The first {@code m} images. */
  public IdxImages head(int m) {
    int k = Math.min(m, n);
    return new IdxImages(Arrays.copyOf(images, k * dims), Arrays.copyOf(labels, k), k, dims);
  }
}
