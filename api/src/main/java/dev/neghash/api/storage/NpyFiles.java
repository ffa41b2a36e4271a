package dev.neghash.api.storage;

import dev.neghash.engine.io.AtomicFiles;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The service's own .npy files: 1-D int32 writes and random-access row reads of stored matrices. */
public final class NpyFiles {

  private NpyFiles() {}

  /** Writes a 1-D little-endian int32 array atomically. */
  public static void writeInt32Vector(Path path, int[] data) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(data);
    AtomicFiles.write(path, out -> Npy.write(out, "<i4", new long[] {data.length}, bb.array()));
  }

  /** Reads a whole int32 .npy file written by this service (any shape) as a flat array. */
  public static int[] readInt32(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      NpyHeader h = NpyHeader.read(in);
      int n = (int) h.elements();
      byte[] data = in.readNBytes(n * 4);
      if (data.length != n * 4) {
        throw new IOException(path + " is truncated");
      }
      int[] out = new int[n];
      ByteBuffer.wrap(data).order(h.order()).asIntBuffer().get(out);
      return out;
    }
  }

  /** The header of a stored .npy file. */
  public static NpyHeader header(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 4096)) {
      return NpyHeader.read(in);
    }
  }

  /** Reads a whole stored .npy file's data bytes (after the header). */
  public static byte[] readData(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      NpyHeader h = NpyHeader.read(in);
      long bytes = h.elements() * h.itemSize();
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new IOException(path + " is too large to read at once");
      }
      byte[] data = in.readNBytes((int) bytes);
      if (data.length != bytes) {
        throw new IOException(path + " is truncated");
      }
      return data;
    }
  }

  /** Random access to the rows of a stored 2-D .npy matrix of 4-byte little-endian items. */
  public static final class Rows implements AutoCloseable {
    private final FileChannel ch;
    private final long dataStart;
    private final long rows;
    private final int cols;
    private final NpyHeader header;

    /** Opens {@code path} and reads its header. */
    public Rows(Path path) throws IOException {
      this.ch = FileChannel.open(path, StandardOpenOption.READ);
      CountingStream cs = new CountingStream(Channels.newInputStream(ch));
      this.header = NpyHeader.read(cs);
      this.dataStart = cs.count;
      this.rows = header.shape()[0];
      this.cols = header.shape().length > 1 ? (int) header.shape()[1] : 1;
    }

    /** Number of rows. */
    public long rows() {
      return rows;
    }

    /** Number of columns. */
    public int cols() {
      return cols;
    }

    /** The header. */
    public NpyHeader header() {
      return header;
    }

    /** Reads rows {@code [from, from + n)} into a little-endian buffer. */
    public ByteBuffer read(long from, int n) throws IOException {
      ByteBuffer bb = ByteBuffer.allocate(n * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
      long pos = dataStart + from * cols * 4L;
      while (bb.hasRemaining()) {
        if (ch.read(bb, pos + bb.position()) < 0) {
          throw new IOException("stored matrix is truncated");
        }
      }
      return bb.flip();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  /** Counts bytes read one at a time so the header's end is known exactly. */
  private static final class CountingStream extends InputStream {
    private final InputStream in;
    private long count;

    CountingStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
