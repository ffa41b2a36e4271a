package dev.neghash.bench.harness;

import dev.neghash.engine.io.AtomicFiles;
import dev.neghash.engine.io.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** One-dimensional int32 {@code .npy} files: anchor lists and flattened neighbour lists. */
final class NpyInts {

  private NpyInts() {}

  /** Writes {@code data} as a little-endian int32 array of shape {@code (len,)}, atomically. */
  static void write(Path path, int[] data) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(data);
    AtomicFiles.write(path, out -> Npy.write(out, "<i4", new long[] {data.length}, bb.array()));
  }

  /** Reads a one-dimensional integer array. */
  static int[] read(Path path) throws IOException {
    return Npy.readLabels(path);
  }
}
