package dev.neghash.api.dataset;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Float rows streamed out of an upload body, whatever its format; nothing but the current chunk is
 * held in memory.
 */
interface RowSource {

  /** Rows the body declares, or -1 when only the end of the body tells (JSON). */
  long rows();

  /** Columns, or -1 until the first row is read (JSON). */
  int cols();

  /** Format name for the manifest: npy, raw or json. */
  String format();

  /** Element type as received, e.g. {@code <f4}. */
  String dtype();

  /**
   * Reads up to {@code max} rows into {@code dst} and returns how many, 0 at the end of the data.
   *
   * @throws InvalidInputException if the body is malformed, short or too long
   */
  int next(float[] dst, int max) throws IOException;

  /** A .npy body (float16/32/64, either byte order, C order); the header is read here. */
  static RowSource npy(InputStream raw) throws IOException {
    // The reader keeps this stream (it is already buffered), so bytes after the data are seen here.
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    Npy.FloatRowReader r = new Npy.FloatRowReader(in);
    return new RowSource() {
      @Override
      public long rows() {
        return r.rows();
      }

      @Override
      public int cols() {
        return r.cols();
      }

      @Override
      public String format() {
        return "npy";
      }

      @Override
      public String dtype() {
        return r.header().descr();
      }

      @Override
      public int next(float[] dst, int max) throws IOException {
        int n = r.next(dst, max);
        if (n == 0 && in.read() >= 0) {
          throw new InvalidInputException(
              "the .npy body continues after the " + r.rows() + " rows its header declares");
        }
        return n;
      }
    };
  }

  /** A raw little-endian float32 body of {@code rows x cols} values. */
  static RowSource raw(InputStream raw, long rows, int cols) {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    return new RowSource() {
      private long read;
      private byte[] buf = new byte[0];

      @Override
      public long rows() {
        return rows;
      }

      @Override
      public int cols() {
        return cols;
      }

      @Override
      public String format() {
        return "raw";
      }

      @Override
      public String dtype() {
        return "<f4";
      }

      @Override
      public int next(float[] dst, int max) throws IOException {
        int n = (int) Math.min(max, rows - read);
        if (n <= 0) {
          if (in.read() >= 0) {
            throw new InvalidInputException(
                "the body holds more than rows x dims = " + rows + " x " + cols + " float32 values");
          }
          return 0;
        }
        int bytes = n * cols * 4;
        if (buf.length < bytes) {
          buf = new byte[bytes];
        }
        int got = in.readNBytes(buf, 0, bytes);
        if (got < bytes) {
          // The first row the body does not hold completely (0-based).
          long stop = read + got / ((long) cols * 4);
          throw new InvalidInputException("the body ends early: rows x dims = " + rows + " x " + cols
              + " float32 values were declared, the data stops in row " + stop);
        }
        ByteBuffer.wrap(buf, 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, 0, n * cols);
        read += n;
        return n;
      }
    };
  }

  /** A JSON array of equally long number arrays, parsed as a stream. */
  static RowSource json(InputStream in, JsonMapper mapper, int expectedCols) {
    JsonParser p = mapper.createParser(in);
    return new RowSource() {
      private int cols = -1;
      private long row;
      private boolean started;
      private boolean ended;

      @Override
      public long rows() {
        return -1;
      }

      @Override
      public int cols() {
        return cols;
      }

      @Override
      public String format() {
        return "json";
      }

      @Override
      public String dtype() {
        return "json";
      }

      @Override
      public int next(float[] dst, int max) {
        try {
          if (!started) {
            started = true;
            if (p.nextToken() != JsonToken.START_ARRAY) {
              throw new InvalidInputException("JSON embeddings must be an array of rows, e.g. [[0.1, 0.2], [0.3, 0.4]]");
            }
          }
          int n = 0;
          while (n < max && !ended) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.END_ARRAY) {
              ended = true;
              if (p.nextToken() != null) {
                throw new InvalidInputException("unexpected content after the JSON array of rows");
              }
              break;
            }
            if (t != JsonToken.START_ARRAY) {
              throw new InvalidInputException("row " + row + " of the JSON embeddings is not an array of numbers");
            }
            int c = 0;
            int width = cols > 0 ? cols : expectedCols;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
              if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new InvalidInputException("row " + row + ", column " + c + " of the JSON embeddings is not a number");
              }
              if (c >= width) {
                throw new InvalidInputException("row " + row + " of the JSON embeddings has more than " + width + " values");
              }
              dst[n * width + c++] = p.getFloatValue();
            }
            if (cols < 0) {
              cols = c;
            }
            if (c != cols) {
              throw new InvalidInputException(
                  "row " + row + " of the JSON embeddings has " + c + " values, row 0 has " + cols);
            }
            row++;
            n++;
          }
          return n;
        } catch (JacksonException e) {
          var loc = e.getLocation();
          throw new InvalidInputException("malformed JSON embeddings"
              + (loc != null && loc.getLineNr() > 0 ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : ""));
        }
      }
    };
  }
}
