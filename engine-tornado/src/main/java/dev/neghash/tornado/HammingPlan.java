package dev.neghash.tornado;

import dev.neghash.engine.kernel.HammingTask;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;

/**
 * Hamming top-k of one block of anchors against all candidates, uploaded in blocks: the anchors'
 * heaps stay on the device across candidate blocks and only the final {@code anchors x k} lists
 * come back, so the host never sees a distance matrix and device memory does not grow with N.
 */
final class HammingPlan extends DevicePlan {

  /** The sizes a plan is built for. */
  record Shape(int words, int k, int anchorCapacity, int candidateCapacity, int positiveCapacity) {}

  /** The host-side arrays the task graph captured; blocks are staged into them. */
  private record Buffers(
      long[] anchorCodes, long[] candidateCodes, int[] anchorLabels, int[] candidateLabels,
      int[] positiveOffsets, int[] positiveIds, int[] params, int[] heapDist, int[] heapIds) {

    static Buffers allocate(Shape s) {
      return new Buffers(
          new long[s.anchorCapacity() * s.words()],
          new long[s.candidateCapacity() * s.words()],
          new int[s.anchorCapacity()],
          new int[s.candidateCapacity()],
          new int[s.anchorCapacity() + 1],
          new int[s.positiveCapacity()],
          new int[DeviceKernels.HAMMING_PARAMS],
          new int[s.anchorCapacity() * s.k()],
          new int[s.anchorCapacity() * s.k()]);
    }
  }

  private final Shape shape;
  private final Buffers buf;

  private HammingPlan(TaskGraph graph, TornadoDevice device, Shape shape, Buffers buf) {
    super(graph, device);
    this.shape = shape;
    this.buf = buf;
  }

  /** Builds the plan for one shape. */
  static HammingPlan create(TornadoDevice device, Shape s) {
    Buffers b = Buffers.allocate(s);
    TaskGraph g = new TaskGraph(uniqueName("Hamming"))
        .transferToDevice(
            DataTransferMode.EVERY_EXECUTION,
            b.anchorCodes(), b.candidateCodes(), b.anchorLabels(), b.candidateLabels(),
            b.positiveOffsets(), b.positiveIds(), b.params())
        .task(
            "topk", DeviceKernels::hammingTopK,
            b.anchorCodes(), b.candidateCodes(), b.anchorLabels(), b.candidateLabels(),
            b.positiveOffsets(), b.positiveIds(), b.params(), b.heapDist(), b.heapIds(),
            s.anchorCapacity(), s.words())
        // The heaps live on the device between candidate blocks; fetched once per anchor block.
        .transferToHost(DataTransferMode.UNDER_DEMAND, b.heapDist(), b.heapIds());
    return new HammingPlan(g, device, s, b);
  }

  /** The shape this plan was built for. */
  Shape shape() {
    return shape;
  }

  /**
   * Computes result rows {@code [a0, a0 + anchors)} of {@code task} and writes them into its
   * output arrays.
   */
  void run(HammingTask task, int a0, int anchors) {
    int words = shape.words();
    int k = shape.k();
    int[] labelsA = task.anchorLabels();
    int[] labelsC = task.candidateLabels();
    int[] offsets = task.positiveOffsets();
    int[] params = buf.params();
    System.arraycopy(task.anchorCodes(), a0 * words, buf.anchorCodes(), 0, anchors * words);
    if (labelsA != null) {
      System.arraycopy(labelsA, a0, buf.anchorLabels(), 0, anchors);
    }
    if (offsets != null) {
      // This block's slice of the positives, with offsets relative to the slice.
      int first = offsets[a0];
      for (int i = 0; i <= anchors; i++) {
        buf.positiveOffsets()[i] = offsets[a0 + i] - first;
      }
      System.arraycopy(task.positiveIds(), first, buf.positiveIds(), 0, offsets[a0 + anchors] - first);
    }
    params[DeviceKernels.ANCHORS] = anchors;
    params[DeviceKernels.ANCHOR0] = a0;
    params[DeviceKernels.USE_LABELS] = labelsA != null ? 1 : 0;
    params[DeviceKernels.USE_POSITIVES] = offsets != null ? 1 : 0;
    params[DeviceKernels.EXCLUDE_SELF] = task.excludeSelf() ? 1 : 0;
    params[DeviceKernels.K] = k;

    int candidates = task.candidates();
    int cap = shape.candidateCapacity();
    if (candidates == 0) {
      throw new IllegalArgumentException("no candidates");
    }
    TornadoExecutionResult last = null;
    for (int c0 = 0; c0 < candidates; c0 += cap) {
      int m = Math.min(cap, candidates - c0);
      System.arraycopy(task.candidateCodes(), c0 * words, buf.candidateCodes(), 0, m * words);
      if (labelsC != null) {
        System.arraycopy(labelsC, c0, buf.candidateLabels(), 0, m);
      }
      params[DeviceKernels.CANDIDATES] = m;
      params[DeviceKernels.CANDIDATE0] = c0;
      params[DeviceKernels.INIT] = c0 == 0 ? 1 : 0;
      params[DeviceKernels.FINISH] = c0 + m >= candidates ? 1 : 0;
      last = execute();
    }
    last.transferToHost(buf.heapDist(), buf.heapIds());
    System.arraycopy(buf.heapIds(), 0, task.outIds(), a0 * k, anchors * k);
    System.arraycopy(buf.heapDist(), 0, task.outDist(), a0 * k, anchors * k);
  }
}
