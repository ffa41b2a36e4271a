package dev.neghash.tornado;

import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

/** Centring and sign packing of up to {@code capacity} rows of {@code b} projections per pass. */
final class BinarizePlan extends DevicePlan {
  private final int b;
  private final int capacity;
  private final float[] z;
  private final float[] mean;
  private final long[] codes;
  private final int[] params;

  private BinarizePlan(
      TaskGraph graph, TornadoDevice device, int b, int capacity, float[] z, float[] mean, long[] codes,
      int[] params) {
    super(graph, device);
    this.b = b;
    this.capacity = capacity;
    this.z = z;
    this.mean = mean;
    this.codes = codes;
    this.params = params;
  }

  /** Builds the plan for {@code b}-bit codes. */
  static BinarizePlan create(TornadoDevice device, int b, int capacity) {
    float[] z = new float[capacity * b];
    float[] mean = new float[b];
    long[] codes = new long[capacity * (b >>> 6)];
    int[] params = new int[1];
    TaskGraph g = new TaskGraph(uniqueName("Binarize"))
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, z, mean, params)
        .task("binarize", DeviceKernels::binarize, z, mean, codes, params, capacity, b)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, codes);
    return new BinarizePlan(g, device, b, capacity, z, mean, codes, params);
  }

  /** Binarises {@code rows} rows of {@code in} against {@code centre} into {@code out[offset..)}. */
  void run(float[] in, int rows, float[] centre, long[] out, int offset) {
    int words = b >>> 6;
    System.arraycopy(centre, 0, mean, 0, b);
    for (int r0 = 0; r0 < rows; r0 += capacity) {
      int m = Math.min(capacity, rows - r0);
      System.arraycopy(in, r0 * b, z, 0, m * b);
      params[DeviceKernels.ROWS] = m;
      execute();
      System.arraycopy(codes, 0, out, offset + r0 * words, m * words);
    }
  }
}
