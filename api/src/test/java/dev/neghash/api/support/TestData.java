package dev.neghash.api.support;

import dev.neghash.api.job.JobService;
import dev.neghash.api.job.JobView;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;

/** Seeded test data and the reading of results that the service tests share. */
public final class TestData {

  private TestData() {}

  /** {@code classes} centres of dimension {@code d}, standard Gaussian values from {@code r}. */
  public static float[] centres(SplittableRandom r, int classes, int d) {
    float[] centres = new float[classes * d];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) r.nextGaussian();
    }
    return centres;
  }

  /**
   * Clustered rows: item {@code i} is centre {@code i % classes} plus Gaussian noise of size
   * {@code noise}; the centres and then the noise come from {@code r}, so labels {@code i % classes}
   * and neighbours agree.
   */
  public static float[] clustered(int n, int d, int classes, float noise, SplittableRandom r) {
    float[] centres = centres(r, classes, d);
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = centres[(i % classes) * d + j] + noise * (float) r.nextGaussian();
      }
    }
    return x;
  }

  /** A little-endian float32 .npy file of {@code x}, shape (n, d). */
  public static byte[] npyF32(float[] x, int n, int d) {
    ByteBuffer bb = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(x);
    return Npy.bytes("<f4", new long[] {n, d}, bb.array());
  }

  /** Labels {@code i % classes} of {@code n} items as a JSON array. */
  public static String labelsJson(int n, int classes) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append(i % classes);
    }
    return b.append(']').toString();
  }

  /** The values of an int32 .npy file, in order. */
  public static int[] ints(byte[] npy) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(npy);
    NpyHeader h = NpyHeader.read(in);
    int[] out = new int[(int) h.elements()];
    ByteBuffer.wrap(npy, npy.length - in.available(), in.available()).order(h.order()).asIntBuffer().get(out);
    return out;
  }

  /** Waits up to two minutes for the job to be final; returns its view. */
  public static JobView awaitFinal(JobService jobs, String jobId) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JobView v;
    do {
      v = jobs.get(jobId);
      if (v.state().isFinal()) {
        return v;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    throw new AssertionError("job not final: " + v);
  }
}
