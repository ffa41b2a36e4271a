package dev.neghash.engine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a little-endian int32 or float32 .npy matrix of a known shape row block by row block, so
 * that a result larger than memory never exists as one array. The file appears only on {@link
 * #commit()}, as {@link AtomicFiles} writes it (temporary file, flush, rename, flush the folder);
 * closing without committing removes the temporary file.
 */
public final class NpyRowWriter implements AutoCloseable {

  private final Path target;
  private final Path tmp;
  private final FileChannel channel;
  private final OutputStream out;
  private final long expected;
  private final boolean floats;
  private long written;
  private boolean committed;
  private ByteBuffer buffer = ByteBuffer.allocate(0);

  private NpyRowWriter(Path target, boolean floats, long rows, int cols) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    this.target = abs;
    this.tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
    this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    this.expected = rows * cols;
    this.floats = floats;
    out.write(NpyHeader.encode(floats ? "<f4" : "<i4", new long[] {rows, cols}));
  }

  /** A writer of an int32 matrix of shape (rows, cols). */
  public static NpyRowWriter int32(Path target, long rows, int cols) throws IOException {
    return new NpyRowWriter(target, false, rows, cols);
  }

  /** A writer of a float32 matrix of shape (rows, cols). */
  public static NpyRowWriter float32(Path target, long rows, int cols) throws IOException {
    return new NpyRowWriter(target, true, rows, cols);
  }

  /** Appends the next rows, row-major. */
  public void append(int[] values) throws IOException {
    if (floats) {
      throw new IllegalStateException("this writer writes float32");
    }
    reserve(values.length).asIntBuffer().put(values);
    flushBuffer(values.length);
  }

  /** Appends the next rows, row-major. */
  public void append(float[] values) throws IOException {
    if (!floats) {
      throw new IllegalStateException("this writer writes int32");
    }
    reserve(values.length).asFloatBuffer().put(values);
    flushBuffer(values.length);
  }

  private ByteBuffer reserve(int count) {
    if (written + count > expected) {
      throw new IllegalStateException("more values than the shape holds (" + expected + ")");
    }
    if (buffer.capacity() < count * 4) {
      buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    }
    buffer.clear();
    return buffer;
  }

  private void flushBuffer(int count) throws IOException {
    out.write(buffer.array(), 0, count * 4);
    written += count;
  }

  /**
   * Flushes the file to disk and renames it into place.
   *
   * @throws IllegalStateException if fewer values than the shape holds were appended
   */
  public void commit() throws IOException {
    if (written != expected) {
      throw new IllegalStateException("wrote " + written + " of " + expected + " values");
    }
    out.flush();
    channel.force(true);
    out.close();
    AtomicFiles.moveIntoPlace(tmp, target);
    committed = true;
  }

  /** Closes the file; without a commit it is removed. */
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
