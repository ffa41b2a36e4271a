package dev.neghash.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Float rows of {@code d} columns read by position, from memory or from a file, so that a
 * consumer (the quality evaluator) can stream a snapshot without holding it.
 */
@FunctionalInterface
public interface FloatRows {

  /** Reads rows {@code [from, from + n)} into {@code dst} (row-major, {@code n * d} floats). */
  void read(long from, int n, float[] dst) throws IOException;

  /** The rows of an in-memory row-major matrix with {@code d} columns. */
  static FloatRows of(float[] x, int d) {
    return (from, n, dst) -> System.arraycopy(x, Math.toIntExact(from * d), dst, 0, n * d);
  }

  /** The rows of a raw little-endian float32 file (no header) with {@code d} columns. */
  static FloatRows rawFile(FileChannel ch, int d) {
    return (from, n, dst) -> {
      ByteBuffer bb = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
      long pos = from * d * 4L;
      while (bb.hasRemaining()) {
        if (ch.read(bb, pos + bb.position()) < 0) {
          throw new UncheckedIOException(new IOException("stored floats are truncated"));
        }
      }
      bb.flip().asFloatBuffer().get(dst, 0, n * d);
    };
  }
}
