package dev.neghash.tornado;

import dev.neghash.engine.kernel.CosineTask;
import dev.neghash.engine.kernel.HammingTask;
import dev.neghash.engine.kernel.JavaKernels;
import dev.neghash.engine.kernel.KernelProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

/**
 * Runs projection, binarisation and the Hamming top-k on a TornadoVM device (a GPU through OpenCL
 * or PTX, or an OpenCL CPU runtime such as PoCL); the exact cosine top-k, a quality check rather
 * than a hot path, stays on the CPU provider given at construction.
 *
 * <p>The device kernels are the engine's own {@link JavaKernels} row methods inside {@code
 * @Parallel} loops ({@link DeviceKernels}), so results are bit-for-bit those of the Java
 * reference. Task graphs are built once per shape (block sizes rounded up to powers of two) and
 * kept, with their device buffers, in small least-recently-used caches: a plan dropped from a cache,
 * or every plan on {@link #close()}, frees its device memory. Keeping buffers between searches
 * matters: TornadoVM sets a plan up again after {@code freeDeviceMemory}, which cost 0.3 to 1 s per
 * search on PoCL. Calls from several threads are serialised on one lock: there is one device.
 *
 * <p>The engine asks for Hamming results in small anchor chunks from several threads; this provider
 * answers a chunk by computing the whole device block (up to {@link TornadoSettings#anchorBlock()}
 * anchors) that contains it, once, and writing those rows into the task's output arrays, so later
 * chunks of the same block return at once.
 */
public final class TornadoKernelProvider implements KernelProvider, AutoCloseable {

  /** Most elements of one heap array of an anchor block ({@code anchors x k} ints). */
  private static final int MAX_HEAP_ENTRIES = 1 << 26;

  private final TornadoDevice device;
  private final String description;
  private final TornadoSettings settings;
  private final KernelProvider cpu;
  private final Object lock = new Object();
  private final PlanCache<ProjectKey, ProjectPlan> projectPlans = new PlanCache<>(4);
  private final PlanCache<BinarizeKey, BinarizePlan> binarizePlans = new PlanCache<>(4);
  // Few Hamming shapes are live at once and each holds the most device memory (~140 MB at the
  // defaults); a dropped plan frees its buffers.
  private final PlanCache<HammingPlan.Shape, HammingPlan> hammingPlans = new PlanCache<>(2);

  private final boolean projectPerOutput;

  private record ProjectKey(float[] rT, int d, int b, int capacity) {
    // float[] has identity equality, which is what is wanted: one plan per projection matrix.
  }

  private record BinarizeKey(int b, int capacity) {}

  TornadoKernelProvider(
      TornadoDevice device, String description, TornadoSettings settings, KernelProvider cpu) {
    this.device = device;
    this.description = description;
    this.settings = settings;
    this.cpu = cpu;
    this.projectPerOutput = switch (settings.projectKernel()) {
      case "rows" -> false;
      case "outputs" -> true;
      // A CPU runtime runs work items of a group as loops; rows keep its memory accesses contiguous.
      default -> device.getDeviceType() != TornadoDeviceType.CPU;
    };
  }

  @Override
  public String name() {
    return "tornado";
  }

  /** The device in use, for logs. */
  public String description() {
    return description;
  }

  /** Whether projection runs one work item per output value (else per row). */
  public boolean projectsPerOutput() {
    return projectPerOutput;
  }

  /** The settings in use. */
  public TornadoSettings settings() {
    return settings;
  }

  /** This provider with other settings on the same device (tests use tiny blocks). */
  public TornadoKernelProvider withSettings(TornadoSettings other) {
    return new TornadoKernelProvider(device, description, other, cpu);
  }

  @Override
  public void project(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    if (rows <= 0) {
      return;
    }
    int capacity = capacity(rows, settings.rowBlock());
    synchronized (lock) {
      ProjectPlan plan = projectPlans.computeIfAbsent(
          new ProjectKey(rT, d, b, capacity), key -> ProjectPlan.create(device, rT, d, b, capacity, projectPerOutput));
      plan.run(x, rows, z);
      projectPlans.retireIfWorn(plan);
    }
  }

  @Override
  public void binarize(float[] z, int rows, int b, float[] mean, long[] codes, int codeOffset) {
    if (rows <= 0) {
      return;
    }
    int capacity = capacity(rows, settings.rowBlock());
    synchronized (lock) {
      BinarizePlan plan = binarizePlans.computeIfAbsent(
          new BinarizeKey(b, capacity), key -> BinarizePlan.create(device, b, capacity));
      plan.run(z, rows, mean, codes, codeOffset);
      binarizePlans.retireIfWorn(plan);
    }
  }

  /**
   * Rows {@code [from, to)} of a task, in device blocks from {@code from} on (the self-test and
   * callers that schedule rows themselves use this).
   */
  @Override
  public void hammingTopK(HammingTask task, int from, int to) {
    if (from >= to) {
      return;
    }
    if (task.candidates() == 0) {
      // Nothing to compare: every list is padding, which the reference writes directly.
      JavaKernels.hammingTopK(task, from, to);
      return;
    }
    HammingPlan.Shape shape = shape(task, from, to, settings);
    for (int a0 = from; a0 < to; a0 += shape.anchorCapacity()) {
      runBlock(task, shape, a0, Math.min(shape.anchorCapacity(), to - a0));
    }
  }

  /**
   * A whole task, scheduled by the device: anchors go in blocks of the device's capacity, one
   * after another (the device runs one block at a time; host threads would only queue), with
   * progress after every block and cancellation honoured between blocks.
   */
  @Override
  public void hammingTopK(HammingTask task, int threads, dev.neghash.engine.Progress progress) {
    int n = task.anchors();
    if (n == 0) {
      return;
    }
    if (task.candidates() == 0) {
      progress.checkCancelled();
      JavaKernels.hammingTopK(task, 0, n);
      progress.advance(n);
      return;
    }
    HammingPlan.Shape shape = shape(task, 0, n, settings);
    for (int a0 = 0; a0 < n; a0 += shape.anchorCapacity()) {
      progress.checkCancelled();
      int count = Math.min(shape.anchorCapacity(), n - a0);
      runBlock(task, shape, a0, count);
      progress.advance(count);
    }
  }

  private void runBlock(HammingTask task, HammingPlan.Shape shape, int a0, int count) {
    synchronized (lock) {
      HammingPlan plan = hammingPlans.computeIfAbsent(shape, s -> HammingPlan.create(device, s));
      plan.run(task, a0, count);
      hammingPlans.retireIfWorn(plan);
    }
  }

  @Override
  public void cosineTopK(CosineTask task, int from, int to) {
    cpu.cosineTopK(task, from, to);
  }

  /** Releases every task graph's device memory; the provider stays usable (plans are rebuilt). */
  @Override
  public void close() {
    synchronized (lock) {
      projectPlans.closeAll();
      binarizePlans.closeAll();
      hammingPlans.closeAll();
    }
  }

  /** Smallest power of two {@code >= n}, at most {@code max}: few shapes, so few compilations. */
  static int capacity(int n, int max) {
    if (n >= max || n > (1 << 30)) {
      return max;
    }
    int c = n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    return Math.min(c, max);
  }

  /**
   * The device shape for anchors {@code [from, to)} of a task: anchor blocks sized for the heaps
   * the device keeps, candidate blocks from the settings, and room for the most listed positives
   * any block starting at {@code from + i * anchorCapacity} holds.
   */
  static HammingPlan.Shape shape(HammingTask t, int from, int to, TornadoSettings s) {
    int k = t.k();
    int heapLimit = Integer.highestOneBit(Math.max(1, MAX_HEAP_ENTRIES / k));
    int anchorCap = capacity(to - from, Math.min(s.anchorBlock(), heapLimit));
    int candidateCap = capacity(t.candidates(), s.candidateBlock());
    int positives = 1;
    int[] offsets = t.positiveOffsets();
    if (offsets != null) {
      for (int a0 = from; a0 < to; a0 += anchorCap) {
        int a1 = Math.min(to, a0 + anchorCap);
        positives = Math.max(positives, offsets[a1] - offsets[a0]);
      }
    }
    return new HammingPlan.Shape(t.words(), k, anchorCap, candidateCap, capacity(positives, Integer.MAX_VALUE));
  }

  /** A small least-recently-used map of plans that closes the plans it drops. */
  private static final class PlanCache<K, V extends DevicePlan> extends LinkedHashMap<K, V> {
    private final int max;

    PlanCache(int max) {
      super(8, 0.75f, true);
      this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      if (size() > max) {
        eldest.getValue().close();
        return true;
      }
      return false;
    }

    /** Drops and closes {@code plan} once it has run {@link DevicePlan#RETIRE_AFTER} times. */
    void retireIfWorn(V plan) {
      if (plan.worn()) {
        values().remove(plan);
        plan.close();
      }
    }

    void closeAll() {
      List<V> plans = new ArrayList<>(values());
      clear();
      plans.forEach(DevicePlan::close);
    }
  }
}
