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
  private final Object progressKey = new Object();
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
    Progress p = task.derived(progressKey, t -> new Progress((HammingTask) t, settings));
    int cap = p.shape.anchorCapacity();
    for (int block = from / cap; block <= (to - 1) / cap; block++) {
      synchronized (lock) {
        if (!p.done[block]) {
          HammingPlan plan = hammingPlans.computeIfAbsent(p.shape, s -> HammingPlan.create(device, s));
          int a0 = block * cap;
          plan.run(task, a0, Math.min(cap, task.anchors() - a0));
          p.done[block] = true;
          hammingPlans.retireIfWorn(plan);
        }
      }
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

  /** Which anchor blocks of one task are done, and the shape they run with. */
  private static final class Progress {
    final HammingPlan.Shape shape;
    final boolean[] done;

    Progress(HammingTask t, TornadoSettings s) {
      int k = t.k();
      int heapLimit = Integer.highestOneBit(Math.max(1, MAX_HEAP_ENTRIES / k));
      int anchorCap = capacity(t.anchors(), Math.min(s.anchorBlock(), heapLimit));
      int candidateCap = capacity(t.candidates(), s.candidateBlock());
      int positives = 1;
      int[] offsets = t.positiveOffsets();
      if (offsets != null) {
        for (int a0 = 0; a0 < t.anchors(); a0 += anchorCap) {
          int a1 = Math.min(t.anchors(), a0 + anchorCap);
          positives = Math.max(positives, offsets[a1] - offsets[a0]);
        }
      }
      this.shape = new HammingPlan.Shape(
          t.words(), k, anchorCap, candidateCap, capacity(positives, Integer.MAX_VALUE));
      this.done = new boolean[(t.anchors() + anchorCap - 1) / anchorCap];
    }
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
