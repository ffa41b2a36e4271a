package dev.neghash.engine.io;

import dev.neghash.engine.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and writing NumPy {@code .npy} arrays: streaming float rows, labels, results. */
public final class Npy {

  private Npy() {}

  /**
   * Streams the rows of a 2-D float array (float16, float32 or float64, either byte order, C
   * order) as float32.
   */
  public static final class FloatRowReader implements AutoCloseable {
    private final DataInputStream in;
    private final NpyHeader header;
    private final long rows;
    private final int cols;
    private long read;
    private byte[] buf = new byte[0];

    /**
     * Opens {@code in} and validates its header.
     *
     * @throws InvalidInputException for a malformed header, wrong rank, Fortran order or a dtype
     *     other than float16/32/64
     */
    public FloatRowReader(InputStream in) throws IOException {
      this.in = new DataInputStream(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16));
      this.header = NpyHeader.read(this.in);
      if (header.fortranOrder()) {
        throw new InvalidInputException("Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray");
      }
      if (header.shape().length != 2) {
        throw new InvalidInputException(
            "embeddings must be a 2-D array (N, d), got shape " + header.shapeString());
      }
      if (header.kind() != 'f' || (header.itemSize() != 2 && header.itemSize() != 4 && header.itemSize() != 8)) {
        throw new InvalidInputException(
            "embeddings dtype '" + header.descr() + "' is not supported; use float32, float16 or float64");
      }
      if (header.shape()[1] < 1 || header.shape()[1] > 1 << 20) {
        throw new InvalidInputException("embedding dimension must be between 1 and 1048576, got " + header.shape()[1]);
      }
      this.rows = header.shape()[0];
      this.cols = (int) header.shape()[1];
    }

    /** The header. */
    public NpyHeader header() {
      return header;
    }

    /** Total rows (N). */
    public long rows() {
      return rows;
    }

    /** Columns (d). */
    public int cols() {
      return cols;
    }

    /** Rows read so far. */
    public long rowsRead() {
      return read;
    }

    /**
     * Reads up to {@code max} rows into {@code dst} (row-major) and returns how many were read, 0
     * at the end.
     *
     * @throws InvalidInputException if the data ends before the header's row count
     */
    public int next(float[] dst, int max) throws IOException {
      int n = (int) Math.min(max, rows - read);
      if (n <= 0) {
        return 0;
      }
      int size = header.itemSize();
      int bytes = n * cols * size;
      if (buf.length < bytes) {
        buf = new byte[bytes];
      }
      int got = in.readNBytes(buf, 0, bytes);
      if (got < bytes) {
        // The first row the data does not hold completely (0-based).
        long stop = read + got / ((long) cols * size);
        throw new InvalidInputException(
            "the .npy data ends early: header says " + rows + " rows, data stops in row " + stop);
      }
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, bytes).order(header.order());
      int count = n * cols;
      switch (size) {
        case 4 -> bb.asFloatBuffer().get(dst, 0, count);
        case 8 -> {
          for (int i = 0; i < count; i++) {
            dst[i] = (float) bb.getDouble(i * 8);
          }
        }
        default -> {
          for (int i = 0; i < count; i++) {
            dst[i] = Float.float16ToFloat(bb.getShort(i * 2));
          }
        }
      }
      read += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Reads a whole 2-D float array into memory (for tests, exact mining and small inputs). */
  public static float[] readFloatMatrix(Path path, int[] shapeOut) throws IOException {
    try (FloatRowReader r = new FloatRowReader(Files.newInputStream(path))) {
      if (r.rows() * r.cols() > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException("array too large to hold in memory: " + r.header().shapeString());
      }
      float[] out = new float[(int) (r.rows() * r.cols())];
      int rows = (int) r.rows();
      int done = 0;
      float[] chunk = new float[Math.max(1, 4096) * r.cols()];
      int n;
      while ((n = r.next(chunk, 4096)) > 0) {
        System.arraycopy(chunk, 0, out, done * r.cols(), n * r.cols());
        done += n;
      }
      shapeOut[0] = rows;
      shapeOut[1] = r.cols();
      return out;
    }
  }

  /**
   * Reads a 1-D integer array (int8..int64, uint8..uint32) as int labels.
   *
   * @throws InvalidInputException for other dtypes or shapes, or values outside the int range
   */
  public static int[] readLabels(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    NpyHeader h = NpyHeader.read(in);
    if (h.fortranOrder() && h.shape().length > 1) {
      throw new InvalidInputException("Fortran-ordered .npy arrays are not supported");
    }
    if (h.shape().length != 1 && !(h.shape().length == 2 && h.shape()[1] == 1)) {
      throw new InvalidInputException("labels must be a 1-D array (N,), got shape " + h.shapeString());
    }
    boolean signed = h.kind() == 'i';
    if (!(signed || h.kind() == 'u') || !(h.itemSize() == 1 || h.itemSize() == 2 || h.itemSize() == 4 || h.itemSize() == 8)
        || (!signed && h.itemSize() == 8)) {
      throw new InvalidInputException("labels dtype '" + h.descr() + "' is not supported; use int32 or int64");
    }
    long n = h.shape()[0];
    if (n > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("too many labels: " + n);
    }
    int size = h.itemSize();
    byte[] data = new byte[(int) n * size];
    try {
      in.readFully(data);
    } catch (EOFException e) {
      throw new InvalidInputException("the .npy label data ends early: header says " + n + " labels");
    }
    ByteBuffer bb = ByteBuffer.wrap(data).order(h.order());
    int[] out = new int[(int) n];
    for (int i = 0; i < n; i++) {
      long v = integerAt(bb, i, size, signed);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new InvalidInputException("label " + i + " (" + v + ") is outside the 32-bit range");
      }
      out[i] = (int) v;
    }
    return out;
  }

  /**
   * Element {@code i} of an array of {@code size}-byte integers (1, 2, 4 or 8) in {@code bb}'s byte
   * order; unsigned values of 1 to 4 bytes are zero-extended.
   */
  public static long integerAt(ByteBuffer bb, int i, int size, boolean signed) {
    return switch (size) {
      case 1 -> signed ? bb.get(i) : bb.get(i) & 0xFF;
      case 2 -> signed ? bb.getShort(i * 2) : bb.getShort(i * 2) & 0xFFFF;
      case 4 -> signed ? bb.getInt(i * 4) : bb.getInt(i * 4) & 0xFFFFFFFFL;
      default -> bb.getLong(i * 8);
    };
  }

  /** Reads labels from a file. */
  public static int[] readLabels(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return readLabels(in);
    }
  }

  /** Writes {@code data} as a little-endian int32 array of shape (rows, cols), atomically. */
  public static void writeInt32(Path path, int[] data, int rows, int cols) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(data);
    write(path, "<i4", new long[] {rows, cols}, bb.array());
  }

  /** Writes {@code data} as a little-endian float32 array of shape (rows, cols), atomically. */
  public static void writeFloat32(Path path, float[] data, int rows, int cols) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(data);
    write(path, "<f4", new long[] {rows, cols}, bb.array());
  }

  /** Writes bytes as a uint8 array of shape (rows, cols), atomically. */
  public static void writeUint8(Path path, byte[] data, int rows, int cols) throws IOException {
    write(path, "|u1", new long[] {rows, cols}, data);
  }

  /** The bytes of a complete .npy file. */
  public static byte[] bytes(String descr, long[] shape, byte[] data) {
    byte[] header = NpyHeader.encode(descr, shape);
    byte[] out = new byte[header.length + data.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(data, 0, out, header.length, data.length);
    return out;
  }

  /** Writes a .npy header and data to a stream. */
  public static void write(OutputStream out, String descr, long[] shape, byte[] data) throws IOException {
    out.write(NpyHeader.encode(descr, shape));
    out.write(data);
  }

  private static void write(Path path, String descr, long[] shape, byte[] data) throws IOException {
    AtomicFiles.write(path, out -> write(out, descr, shape, data));
  }
}
