package dev.neghash.api.dataset;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Small integer arrays sent with a dataset (labels, split, positive pairs), as .npy (any integer
 * dtype, either byte order) or JSON; {@code cols} is 1 for vectors and 2 for pairs.
 */
final class IntArrays {

  private IntArrays() {}

  /** Parses a .npy body of shape (N,) ({@code cols} 1; (N, 1) is accepted) or (N, cols). */
  static int[] npy(byte[] body, int cols, String what) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    NpyHeader h = NpyHeader.read(in);
    long[] s = h.shape();
    boolean vector = cols == 1 && (s.length == 1 || (s.length == 2 && s[1] == 1));
    boolean matrix = cols > 1 && s.length == 2 && s[1] == cols;
    if (!vector && !matrix) {
      throw new InvalidInputException(what + " must have shape " + (cols == 1 ? "(N,)" : "(P, " + cols + ")")
          + ", got " + h.shapeString());
    }
    if (h.fortranOrder() && cols > 1) {
      throw new InvalidInputException("Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray");
    }
    boolean signed = h.kind() == 'i';
    int size = h.itemSize();
    if (!(signed || h.kind() == 'u') || (size != 1 && size != 2 && size != 4 && size != 8)) {
      throw new InvalidInputException(what + " dtype '" + h.descr() + "' is not supported; use an integer type such as int32 or int64");
    }
    long count = h.elements();
    if (count * size != in.available()) {
      throw new InvalidInputException("the " + what + " .npy body holds " + in.available()
          + " data bytes, its header declares " + count * size);
    }
    ByteBuffer bb = ByteBuffer.wrap(body, body.length - in.available(), in.available()).slice().order(h.order());
    int[] out = new int[(int) count];
    for (int i = 0; i < count; i++) {
      long v = Npy.integerAt(bb, i, size, signed);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE || (!signed && size == 8 && v < 0)) {
        throw new InvalidInputException(what + " value " + i + " is outside the 32-bit integer range");
      }
      out[i] = (int) v;
    }
    return out;
  }

  /** Parses JSON: {@code [1, 2, 3]} for {@code cols} 1, {@code [[0, 5], [1, 7]]} for pairs. */
  static int[] json(byte[] body, int cols, JsonMapper mapper, String what) {
    try (JsonParser p = mapper.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new InvalidInputException(what + " must be a JSON array"
            + (cols == 1 ? " of integers, e.g. [0, 3, 1]" : " of [a, b] pairs, e.g. [[0, 5], [1, 7]]"));
      }
      IntList out = new IntList();
      int i = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (cols == 1) {
          out.add(intValue(p, t, what + " entry " + i));
        } else {
          if (t != JsonToken.START_ARRAY) {
            throw new InvalidInputException(what + " entry " + i + " is not an array of " + cols + " integers");
          }
          int c = 0;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (c++ >= cols) {
              throw new InvalidInputException(what + " entry " + i + " has more than " + cols + " values");
            }
            out.add(intValue(p, t, what + " entry " + i));
          }
          if (c != cols) {
            throw new InvalidInputException(what + " entry " + i + " has " + c + " values, expected " + cols);
          }
        }
        i++;
      }
      if (p.nextToken() != null) {
        throw new InvalidInputException("unexpected content after the JSON array of " + what);
      }
      return out.toArray();
    } catch (JacksonException e) {
      var loc = e.getLocation();
      throw new InvalidInputException("malformed JSON " + what
          + (loc != null && loc.getLineNr() > 0 ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : ""));
    }
  }

  private static int intValue(JsonParser p, JsonToken t, String where) {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidInputException(where + " is not an integer");
    }
    long v = p.getLongValue();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidInputException(where + " is outside the 32-bit integer range");
    }
    return (int) v;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
