package dev.neghash.api.storage;

import dev.neghash.api.problem.ServiceException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Counts the bytes read and refuses (413) to read past a limit. */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long count;

  /** Wraps {@code in} with a limit of {@code limit} bytes. */
  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  /**
   * {@code body} limited to {@code limit} bytes; refused (413) at once when its declared {@code
   * length} (negative: unknown) is already over the limit.
   */
  public static LimitedInputStream of(InputStream body, long length, long limit) {
    if (length > limit) {
      throw tooLarge(limit);
    }
    return new LimitedInputStream(body, limit);
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    add(s);
    return s;
  }

  private void add(long n) {
    count += n;
    if (count > limit) {
      throw tooLarge(limit);
    }
  }

  /** The 413 for a body over {@code limit} bytes. */
  public static ServiceException tooLarge(long limit) {
    return ServiceException.tooLarge("the request body is larger than the limit of " + describe(limit)
        + "; the limit is configurable");
  }

  /**
   * A size for people: the largest binary unit (KB = 1024 bytes, MB, GB, TB) that holds at least
   * one whole unit, with at most one decimal, rounded down, followed by the exact byte count, e.g.
   * {@code 1 KB (1024 bytes)}, {@code 1.5 MB (1572864 bytes)}; below 1 KB just {@code 512 bytes}.
   */
  static String describe(long bytes) {
    String[] units = {"KB", "MB", "GB", "TB"};
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    int unit = 0;
    long scale = 1024;
    while (unit + 1 < units.length && bytes / 1024 >= scale) {
      scale *= 1024;
      unit++;
    }
    String value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(scale), 1, RoundingMode.DOWN)
        .stripTrailingZeros().toPlainString();
    return value + " " + units[unit] + " (" + bytes + " bytes)";
  }
}
