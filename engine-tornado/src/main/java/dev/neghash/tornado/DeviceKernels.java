package dev.neghash.tornado;

import dev.neghash.engine.kernel.JavaKernels;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * The task methods TornadoVM compiles for the device: each is one {@code @Parallel} loop around the
 * engine's own per-row or per-anchor kernel from {@link JavaKernels}, so the device runs the same
 * code (and produces the same bits) as the Java reference.
 *
 * <p>The loops run over a fixed capacity, the size the task graph was built for, and skip indices
 * beyond the block's real size, which is passed in {@code params}: scalars are fixed when a task
 * graph is built, arrays are transferred at every execution, so one graph serves every block.
 *
 * <p>{@code k} also travels in {@code params} rather than as a scalar: TornadoVM specialises the
 * kernel on scalar values, and with a constant {@code k} its OpenCL code generator fails on the
 * heap sort of {@link JavaKernels#heapFinish} ("logic node LogicConstantNode", TornadoVM 5.2.0).
 */
final class DeviceKernels {

  /** {@code params} slot of project and binarize: rows in this block. */
  static final int ROWS = 0;

  /** {@code params} slots of the Hamming top-k task. */
  static final int ANCHORS = 0;
  static final int ANCHOR0 = 1;
  static final int CANDIDATES = 2;
  static final int CANDIDATE0 = 3;
  static final int INIT = 4;
  static final int FINISH = 5;
  static final int USE_LABELS = 6;
  static final int USE_POSITIVES = 7;
  static final int EXCLUDE_SELF = 8;
  static final int K = 9;
  static final int HAMMING_PARAMS = 10;

  private DeviceKernels() {}

  /** Projects rows {@code [0, params[ROWS])} of a block, one row per parallel index (CPU devices). */
  static void projectRows(float[] x, float[] rT, float[] z, int[] params, int capacity, int d, int b) {
    for (@Parallel int r = 0; r < capacity; r++) {
      if (r < params[ROWS]) {
        JavaKernels.projectRowMulAdd(r, x, d, rT, b, z);
      }
    }
  }

  /**
   * Projects rows {@code [0, params[ROWS])} of a block, one output value per parallel index (row,
   * bit), accumulated in a register in the reference's order (GPUs).
   */
  static void project(float[] x, float[] rT, float[] z, int[] params, int capacity, int d, int b) {
    for (@Parallel int r = 0; r < capacity; r++) {
      for (@Parallel int j = 0; j < b; j++) {
        if (r < params[ROWS]) {
          z[r * b + j] = JavaKernels.projectOutputMulAdd(r, j, x, d, rT, b);
        }
      }
    }
  }

  /** Centres and packs rows {@code [0, params[ROWS])} of a block, one 64-bit word per index. */
  static void binarize(float[] z, float[] mean, long[] codes, int[] params, int capacity, int b) {
    int words = b >>> 6;
    for (@Parallel int r = 0; r < capacity; r++) {
      for (@Parallel int w = 0; w < words; w++) {
        if (r < params[ROWS]) {
          codes[r * words + w] = JavaKernels.binarizeWord(r, w, z, b, mean);
        }
      }
    }
  }

  /**
   * Offers one block of candidates to the heaps of one block of anchors, one anchor per parallel
   * index; the heaps stay on the device from the first candidate block ({@code params[INIT]}
   * initialises them) to the last ({@code params[FINISH]} sorts them into the result order).
   */
  static void hammingTopK(
      long[] anchorCodes,
      long[] candidateCodes,
      int[] anchorLabels,
      int[] candidateLabels,
      int[] positiveOffsets,
      int[] positiveIds,
      int[] params,
      int[] heapDist,
      int[] heapIds,
      int capacity,
      int words) {
    for (@Parallel int a = 0; a < capacity; a++) {
      if (a < params[ANCHORS]) {
        int k = params[K];
        int base = a * k;
        if (params[INIT] != 0) {
          JavaKernels.heapInit(heapDist, heapIds, base, k);
        }
        int useLabels = params[USE_LABELS];
        int usePositives = params[USE_POSITIVES];
        int label = 0;
        if (useLabels != 0) {
          label = anchorLabels[a];
        }
        int positiveFrom = 0;
        int positiveTo = 0;
        if (usePositives != 0) {
          positiveFrom = positiveOffsets[a];
          positiveTo = positiveOffsets[a + 1];
        }
        JavaKernels.hammingScan(
            anchorCodes, a, params[ANCHOR0] + a,
            candidateCodes, params[CANDIDATES], params[CANDIDATE0], words,
            useLabels, label, candidateLabels,
            usePositives, positiveIds, positiveFrom, positiveTo,
            params[EXCLUDE_SELF], k, heapDist, heapIds, base);
        if (params[FINISH] != 0) {
          JavaKernels.heapFinish(heapDist, heapIds, base, k);
        }
      }
    }
  }
}
