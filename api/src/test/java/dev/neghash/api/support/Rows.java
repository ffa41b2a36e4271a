package dev.neghash.api.support;

import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * A raw little-endian float32 body of {@code rows x dims} values, generated while it is read, so
 * uploads of any size need no memory and no file. Each row is a window of a seeded pool of
 * Gaussian values at a row-dependent offset (cheap, so the generator does not compete with the
 * service for the CPU). It can stall forever after a given number of bytes (to be caught
 * mid-upload).
 */
public final class Rows extends InputStream {
  private static final int POOL = 1 << 20;

  private final long total;
  private final long stallAfter;
  private final int rowBytes;
  private final byte[] pool;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private long sent;
  private volatile boolean released;

  /** A generator of {@code rows x dims} floats that stalls after {@code stallAfter} bytes (or never if negative). */
  public Rows(long rows, int dims, long seed, long stallAfter) {
    this.total = rows * dims * 4L;
    this.stallAfter = stallAfter;
    this.rowBytes = dims * 4;
    this.pool = pool(seed);
  }

  private static byte[] pool(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(POOL * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < POOL; i++) {
      bb.putFloat((float) r.nextGaussian());
    }
    return bb.array();
  }

  private static long offset(long row, int dims) {
    return (row * 104_729L) % (POOL - dims);
  }

  /** Ends a stalled stream, so no thread of the client stays blocked in it. */
  public void release() {
    released = true;
  }

  /** Released once the stream has stalled. */
  public CountDownLatch stalled() {
    return stalled;
  }

  @Override
  public int read() {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (sent >= total) {
      return -1;
    }
    if (stallAfter >= 0 && sent >= stallAfter) {
      stalled.countDown();
      try {
        while (!released) {
          Thread.sleep(20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }
    long limit = total;
    if (stallAfter >= 0) {
      limit = Math.min(limit, stallAfter);
    }
    int n = 0;
    while (n < len && sent < limit) {
      long row = sent / rowBytes;
      int inRow = (int) (sent % rowBytes);
      int take = (int) Math.min(Math.min(len - n, rowBytes - inRow), limit - sent);
      System.arraycopy(pool, (int) (offset(row, rowBytes / 4) * 4) + inRow, b, off + n, take);
      n += take;
      sent += take;
    }
    return n;
  }

  /** The same floats as an array (for small sizes: the engine-side check). */
  public static float[] array(long rows, int dims, long seed) {
    java.nio.FloatBuffer p = java.nio.ByteBuffer.wrap(pool(seed)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[(int) (rows * dims)];
    for (int r = 0; r < rows; r++) {
      p.get((int) offset(r, dims), out, r * dims, dims);
    }
    return out;
  }
}
