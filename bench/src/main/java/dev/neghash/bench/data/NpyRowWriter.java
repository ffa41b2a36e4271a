package dev.neghash.bench.data;

import dev.neghash.engine.io.AtomicFiles;
import dev.neghash.engine.io.Npy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a little-endian float32 {@code .npy} matrix row chunk by row chunk, so that matrices
 * larger than one Java array (1e6 x 768 floats is 3 GB) never have to be held whole.
 *
 * <p>Crash-safe like {@link AtomicFiles}: the rows go to a temporary file beside the target, which
 * is flushed to disk and renamed over the target only by {@link #commit()} once every row announced
 * in the header has been written; closing without a commit deletes the temporary file.
 */
public final class NpyRowWriter implements AutoCloseable {
  private final Path target;
  private final Path tmp;
  private final FileChannel channel;
  private final OutputStream out;
  private final long rows;
  private final int cols;
  private long written;
  private boolean committed;

  /** Starts a {@code rows x cols} float32 file at {@code target}. */
  public NpyRowWriter(Path target, long rows, int cols) throws IOException {
    this.target = target.toAbsolutePath();
    this.rows = rows;
    this.cols = cols;
    Files.createDirectories(this.target.getParent());
    this.tmp = Files.createTempFile(this.target.getParent(), "." + this.target.getFileName() + ".", ".tmp");
    this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
    Npy.write(out, "<f4", new long[] {rows, cols}, new byte[0]);
  }

  /** Appends {@code n} rows from the start of {@code chunk}. */
  public void append(float[] chunk, int n) throws IOException {
    if (written + n > rows) {
      throw new IllegalStateException("more rows than announced: " + (written + n) + " > " + rows);
    }
    ByteBuffer bb = ByteBuffer.allocate(n * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(chunk, 0, n * cols);
    out.write(bb.array());
    written += n;
  }

  /** Flushes the file to disk and renames it over the target. */
  public void commit() throws IOException {
    if (written != rows) {
      throw new IllegalStateException("wrote " + written + " of " + rows + " rows");
    }
    out.flush();
    channel.force(true);
    out.close();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    AtomicFiles.syncDirectory(target.getParent());
    committed = true;
  }

  /** Deletes the temporary file unless {@link #commit()} succeeded. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        out.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
