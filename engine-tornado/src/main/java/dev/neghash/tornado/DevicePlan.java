package dev.neghash.tornado;

import java.util.concurrent.atomic.AtomicInteger;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

/**
 * One task graph and its execution plan, built once for one shape (sizes fixed when the graph is
 * built) and executed for every block of that shape; closing it releases its device memory.
 *
 * <p>Not thread-safe: the provider runs every plan under its device lock.
 */
abstract class DevicePlan implements AutoCloseable {

  /**
   * OpenCL build options: TornadoVM's default adds {@code -cl-fast-relaxed-math}, which lets the
   * device compiler flush denormals and reassociate; the kernels must give the Java reference's
   * bits, so they are built with IEEE semantics.
   */
  static final String STRICT_OPENCL_FLAGS = "-w";

  /**
   * Executions after which a plan is replaced: TornadoVM's plan keeps a small record of every
   * execution and offers no way to drop it, so a plan must not live for ever.
   */
  static final long RETIRE_AFTER = 200_000;

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final TornadoExecutionPlan plan;
  private long executions;

  DevicePlan(TaskGraph graph, TornadoDevice device) {
    this.plan = new TornadoExecutionPlan(graph.snapshot());
    plan.withDevice(device);
    plan.withCompilerFlags(TornadoVMBackendType.OPENCL, STRICT_OPENCL_FLAGS);
  }

  /** A graph name no other plan uses: TornadoVM keys compiled kernels by graph and task name. */
  static String uniqueName(String kind) {
    return "neghash" + kind + SEQUENCE.incrementAndGet();
  }

  /** Runs the graph once (compiling it on the first run). */
  final TornadoExecutionResult execute() {
    executions++;
    return plan.execute();
  }

  /** Whether this plan has run so often that it should be closed and built again. */
  final boolean worn() {
    return executions >= RETIRE_AFTER;
  }

  @Override
  public void close() {
    try {
      plan.close();
    } catch (Exception e) {
      // The plan is dropped either way; nothing else holds its buffers.
      System.getLogger(DevicePlan.class.getName())
          .log(System.Logger.Level.DEBUG, "closing a TornadoVM plan failed: {0}", e.toString());
    }
  }
}
