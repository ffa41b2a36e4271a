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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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

  /** Rows read ahead, at most, while the projection is still being made. */
  private static final long READ_AHEAD_BYTES = 256L << 20;

  /**
   * Streams several files of one dimension through one encoder, as one snapshot, in order. The
   * projection (a QR factorisation per block of hyperplanes, a third of a second at 1,024 bits) is
   * made on another thread while the first rows are read; rows read meanwhile wait in memory, up
   * to {@link #READ_AHEAD_BYTES}, and go to the encoder in order once it is ready.
   */
  static Encoder.Encoded encode(java.util.List<Path> files, NegHash neghash) throws IOException {
    long[] first = shape(files.get(0));
    CompletableFuture<Encoder> making = CompletableFuture.supplyAsync(() -> neghash.encoder((int) first[1]));
    java.util.List<Chunk> ahead = new java.util.ArrayList<>();
    long aheadBytes = 0;
    long total = 0;
    Encoder.Session s = null;
    try {
      for (Path file : files) {
        try (Npy.FloatRowReader r = new Npy.FloatRowReader(Files.newInputStream(file))) {
          total += r.rows();
          if (total > Integer.MAX_VALUE / 64) {
            throw new InvalidInputException("too many rows: " + total);
          }
          float[] chunk = new float[CHUNK_ROWS * r.cols()];
          int n;
          while ((n = r.next(chunk, CHUNK_ROWS)) > 0) {
            if (s == null && !making.isDone() && aheadBytes < READ_AHEAD_BYTES) {
              ahead.add(new Chunk(chunk, n));
              aheadBytes += 4L * chunk.length;
              chunk = new float[chunk.length];
              continue;
            }
            if (s == null) {
              s = begin(making, ahead);
            }
            s.add(chunk, n);
          }
        }
      }
      if (s == null) {
        s = begin(making, ahead);
      }
      return s.finish();
    } finally {
      if (s != null) {
        s.close();
      }
      making.cancel(false);
    }
  }

  /** {@code n} rows read into {@code rows}. */
  private record Chunk(float[] rows, int n) {}

  /** Waits for the encoder, starts its session and adds the rows read ahead, in order. */
  private static Encoder.Session begin(CompletableFuture<Encoder> making, java.util.List<Chunk> ahead) {
    Encoder enc;
    try {
      enc = making.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    Encoder.Session s = enc.begin(Progress.NONE);
    for (Chunk c : ahead) {
      s.add(c.rows(), c.n());
    }
    ahead.clear();
    return s;
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
