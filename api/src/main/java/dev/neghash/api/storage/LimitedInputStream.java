package dev.neghash.api.storage;

import dev.neghash.api.web.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.util.unit.DataSize;

/** Counts the bytes read and refuses (413) to read past a limit. */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long count;

  /** Wraps {@code in} with a limit of {@code limit} bytes. */
  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
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
  public static ApiException tooLarge(long limit) {
    return ApiException.tooLarge("the request body is larger than the limit of " + DataSize.ofBytes(limit).toMegabytes()
        + " MB (" + limit + " bytes); the limit is configurable");
  }
}
