package dev.neghash.tornado;

import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

/**
 * Projection of up to {@code capacity} rows per pass with one fixed projection matrix: the matrix
 * goes to the device once, rows and results move per pass.
 */
final class ProjectPlan extends DevicePlan {
  private final int d;
  private final int b;
  private final int capacity;
  private final float[] x;
  private final float[] z;
  private final int[] params;

  private ProjectPlan(
      TaskGraph graph, TornadoDevice device, int d, int b, int capacity, float[] x, float[] z, int[] params) {
    super(graph, device);
    this.d = d;
    this.b = b;
    this.capacity = capacity;
    this.x = x;
    this.z = z;
    this.params = params;
  }

  /**
   * Builds the plan for matrix {@code rT} ({@code d x b}, shared and never modified), with one work
   * item per row ({@code perOutput} false) or per output value.
   */
  static ProjectPlan create(TornadoDevice device, float[] rT, int d, int b, int capacity, boolean perOutput) {
    float[] x = new float[capacity * d];
    float[] z = new float[capacity * b];
    int[] params = new int[1];
    TaskGraph g = new TaskGraph(uniqueName("Project"))
        .transferToDevice(DataTransferMode.FIRST_EXECUTION, rT)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, params);
    if (perOutput) {
      g.task("project", DeviceKernels::project, x, rT, z, params, capacity, d, b);
    } else {
      g.task("project", DeviceKernels::projectRows, x, rT, z, params, capacity, d, b);
    }
    g.transferToHost(DataTransferMode.EVERY_EXECUTION, z);
    return new ProjectPlan(g, device, d, b, capacity, x, z, params);
  }

  /** Projects {@code rows} rows of {@code in} into {@code out}, block by block. */
  void run(float[] in, int rows, float[] out) {
    for (int r0 = 0; r0 < rows; r0 += capacity) {
      int m = Math.min(capacity, rows - r0);
      System.arraycopy(in, r0 * d, x, 0, m * d);
      params[DeviceKernels.ROWS] = m;
      execute();
      System.arraycopy(z, 0, out, r0 * b, m * b);
    }
  }
}
