package dev.neghash.api.support;

import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * A raw little-endian float32 body of {@code rows x dims} seeded Gaussian values, generated while
 * it is read, so uploads of any size need no memory and no file. It can stall forever after a
 * given number of bytes (to be caught mid-upload).
 */
public final class Rows extends InputStream {
  private final long total;
  private final long stallAfter;
  private final SplittableRandom rng;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final byte[] block = new byte[1 << 16];
  private int blockPos = block.length;
  private long sent;

  /** A generator of {@code rows x dims} floats that stalls after {@code stallAfter} bytes (or never if negative). */
  public Rows(long rows, int dims, long seed, long stallAfter) {
    this.total = rows * dims * 4L;
    this.stallAfter = stallAfter;
    this.rng = new SplittableRandom(seed);
  }

  /** Released once the stream has stalled. */
  public CountDownLatch stalled() {
    return stalled;
  }

  /** Bytes produced so far. */
  public long sent() {
    return sent;
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
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    if (blockPos == block.length) {
      fill();
    }
    int n = (int) Math.min(Math.min(len, block.length - blockPos), total - sent);
    if (stallAfter >= 0) {
      n = (int) Math.min(n, Math.max(1, stallAfter - sent));
    }
    System.arraycopy(block, blockPos, b, off, n);
    blockPos += n;
    sent += n;
    return n;
  }

  private void fill() {
    for (int i = 0; i < block.length; i += 4) {
      int bits = Float.floatToRawIntBits((float) rng.nextGaussian());
      block[i] = (byte) bits;
      block[i + 1] = (byte) (bits >>> 8);
      block[i + 2] = (byte) (bits >>> 16);
      block[i + 3] = (byte) (bits >>> 24);
    }
    blockPos = 0;
  }

  /** The same floats as an array (for small sizes: the engine-side check). */
  public static float[] array(long rows, int dims, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[(int) (rows * dims)];
    int i = 0;
    while (i < out.length) {
      for (int j = 0; j < (1 << 16) / 4 && i < out.length; j++) {
        out[i++] = (float) r.nextGaussian();
      }
    }
    return out;
  }
}
