package dev.neghash.cli;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and validating the command line's inputs. */
final class Inputs {

  /** Rows per chunk when streaming embeddings. */
  static final int CHUNK_ROWS = 4096;

  private Inputs() {}

  /** Shape (N, d) of an embeddings file, from its header alone. */
  static long[] shape(Path embeddings) throws IOException {
    requireFile(embeddings);
    try (Npy.FloatRowReader r = new Npy.FloatRowReader(Files.newInputStream(embeddings))) {
      return new long[] {r.rows(), r.cols()};
    }
  }

  /** Labels from a file, checked against N; null when no file is given. */
  static int[] labels(Path file, long n) throws IOException {
    if (file == null) {
      return null;
    }
    requireFile(file);
    int[] labels = Npy.readLabels(file);
    if (labels.length != n) {
      throw new InvalidInputException(
          "label count " + labels.length + " differs from the number of embeddings " + n);
    }
    return labels;
  }

  /** Checks {@code 1 <= k <= N - 1} before any heavy work. */
  static void checkK(int k, long n) {
    if (k < 1 || k >= n) {
      throw new InvalidInputException("k must be between 1 and N-1 = " + (n - 1) + ", got " + k);
    }
  }

  /** Streams an embeddings file through an encoder. */
  static Encoder.Encoded encode(Path embeddings, NegHash neghash) throws IOException {
    return encode(java.util.List.of(embeddings), neghash);
  }

  /** Streams several files of one dimension through one encoder, as one snapshot, in order. */
  static Encoder.Encoded encode(java.util.List<Path> files, NegHash neghash) throws IOException {
    long[] first = shape(files.get(0));
    Encoder enc = neghash.encoder((int) first[1]);
    try (Encoder.Session s = enc.begin(Progress.NONE)) {
      for (Path file : files) {
        try (Npy.FloatRowReader r = new Npy.FloatRowReader(Files.newInputStream(file))) {
          if (r.rows() + s.rows() > Integer.MAX_VALUE / 64) {
            throw new InvalidInputException("too many rows: " + (r.rows() + s.rows()));
          }
          float[] chunk = new float[CHUNK_ROWS * r.cols()];
          int n;
          while ((n = r.next(chunk, CHUNK_ROWS)) > 0) {
            s.add(chunk, n);
          }
        }
      }
      return s.finish();
    }
  }

  /** Loads a whole embeddings file (exact mining needs the floats), refusing NaN and infinities. */
  static float[] load(Path embeddings, int[] shape) throws IOException {
    requireFile(embeddings);
    float[] x = Npy.readFloatMatrix(embeddings, shape);
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw new InvalidInputException("row " + (i / shape[1]) + " contains "
            + (Float.isNaN(x[i]) ? "NaN" : "an infinite value") + " (column " + (i % shape[1]) + ")");
      }
    }
    return x;
  }

  static void requireFile(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString());
    }
  }
}
