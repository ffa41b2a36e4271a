package dev.neghash.engine.io;

import dev.neghash.engine.InvalidInputException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): dtype, memory order
 * and shape.
 *
 * <p>Written by hand because the format is small and fully specified (numpy.lib.format), and the
 * engine needs streaming reads, strict validation with user-facing messages, and float16 and
 * big-endian input, which the Java npy libraries on Maven Central do not all offer together.
 *
 * @param kind dtype kind: {@code 'f'} float, {@code 'i'} signed int, {@code 'u'} unsigned int,
 *     {@code 'b'} bool, or another NumPy kind letter
 * @param itemSize bytes per element
 * @param order byte order of elements
 * @param fortranOrder whether the array is stored column-major
 * @param shape the array's shape
 * @param descr the dtype string as written, e.g. {@code <f4}
 */
public record NpyHeader(
    char kind, int itemSize, ByteOrder order, boolean fortranOrder, long[] shape, String descr) {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final int MAX_HEADER = 1 << 20;

  /** Number of elements. */
  public long elements() {
    long n = 1;
    for (long s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /** The shape as NumPy prints it, e.g. {@code (60000, 784)}. */
  public String shapeString() {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * Reads and validates the header, leaving {@code in} at the first data byte.
   *
   * @throws InvalidInputException if the bytes are not a well-formed .npy header
   */
  public static NpyHeader read(InputStream in) throws IOException {
    DataInputStream din = new DataInputStream(in);
    byte[] magic = new byte[8];
    try {
      din.readFully(magic);
    } catch (EOFException e) {
      throw new InvalidInputException("not a .npy file: fewer than 8 bytes");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new InvalidInputException("not a .npy file: the magic string \\x93NUMPY is missing");
      }
    }
    int major = magic[6];
    int headerLen;
    try {
      if (major == 1) {
        headerLen = (din.readUnsignedByte()) | (din.readUnsignedByte() << 8);
      } else if (major == 2 || major == 3) {
        headerLen = din.readUnsignedByte() | (din.readUnsignedByte() << 8)
            | (din.readUnsignedByte() << 16) | (din.readUnsignedByte() << 24);
      } else {
        throw new InvalidInputException("unsupported .npy format version " + major + "." + magic[7]);
      }
      if (headerLen < 0 || headerLen > MAX_HEADER) {
        throw new InvalidInputException("malformed .npy header: header length " + headerLen);
      }
      byte[] h = new byte[headerLen];
      din.readFully(h);
      return parse(new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
    } catch (EOFException e) {
      throw new InvalidInputException("malformed .npy header: file ends inside the header");
    }
  }

  static NpyHeader parse(String dict) {
    Matcher d = DESCR.matcher(dict);
    Matcher f = FORTRAN.matcher(dict);
    Matcher s = SHAPE.matcher(dict);
    if (!d.find() || !f.find() || !s.find()) {
      throw new InvalidInputException(
          "malformed .npy header: need 'descr', 'fortran_order' and 'shape' in " + dict.strip());
    }
    String descr = d.group(1);
    if (descr.length() < 3) {
      throw new InvalidInputException("unsupported .npy dtype '" + descr + "'");
    }
    char bo = descr.charAt(0);
    char kind = descr.charAt(1);
    int size;
    try {
      size = Integer.parseInt(descr.substring(2));
    } catch (NumberFormatException e) {
      throw new InvalidInputException("unsupported .npy dtype '" + descr + "'");
    }
    ByteOrder order = switch (bo) {
      case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
      case '>' -> ByteOrder.BIG_ENDIAN;
      case '=' -> ByteOrder.nativeOrder();
      default -> throw new InvalidInputException("unsupported .npy dtype '" + descr + "'");
    };
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1);
      }
      try {
        long v = Long.parseLong(p);
        if (v < 0) {
          throw new NumberFormatException();
        }
        dims.add(v);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("malformed .npy header: bad shape (" + s.group(1) + ")");
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    return new NpyHeader(kind, size, order, f.group(1).equals("True"), shape, descr);
  }

  /** Writes a version 1.0 header for a C-ordered array; the total length is a multiple of 64. */
  static byte[] encode(String descr, long[] shape) {
    StringBuilder sb = new StringBuilder("{'descr': '").append(descr)
        .append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    sb.append(shape.length == 1 ? ",), }" : "), }");
    int unpadded = 10 + sb.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    sb.append(" ".repeat(pad)).append('\n');
    byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + dict.length];
    System.arraycopy(MAGIC, 0, out, 0, 6);
    out[6] = 1;
    out[7] = 0;
    out[8] = (byte) dict.length;
    out[9] = (byte) (dict.length >>> 8);
    System.arraycopy(dict, 0, out, 10, dict.length);
    return out;
  }
}
