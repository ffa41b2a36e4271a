package dev.neghash.tornado;

/**
 * Settings of the TornadoVM provider, read from system properties (all optional).
 *
 * @param device {@code "backend:device"} as listed by {@code tornado --devices}, or null for
 *     TornadoVM's default device ({@value #DEVICE})
 * @param anchorBlock anchors per device pass of the Hamming top-k, one work item each; the device
 *     holds {@code 8 k} bytes of heap per anchor ({@value #ANCHOR_BLOCK})
 * @param candidateBlock candidate codes per upload; bounds device memory whatever N is ({@value
 *     #CANDIDATE_BLOCK})
 * @param rowBlock rows per device pass of projection and binarisation ({@value #ROW_BLOCK})
 * @param selfTest run every kernel once on a small input when the provider starts and compare it
 *     with the Java reference ({@value #SELF_TEST})
 * @param projectKernel {@code rows} (one work item per row: CPU devices), {@code outputs} (one per
 *     output value: GPUs) or {@code auto} (by the device's type) ({@value #PROJECT_KERNEL})
 */
public record TornadoSettings(
    String device, int anchorBlock, int candidateBlock, int rowBlock, boolean selfTest,
    String projectKernel) {

  /** Property naming the device, e.g. {@code 0:1}. */
  public static final String DEVICE = "neghash.tornado.device";

  /** Property: anchors per Hamming pass (default 65536). */
  public static final String ANCHOR_BLOCK = "neghash.tornado.anchorBlock";

  /** Property: candidates per upload (default 1048576, 64 MiB of codes at 512 bits). */
  public static final String CANDIDATE_BLOCK = "neghash.tornado.candidateBlock";

  /** Property: rows per projection/binarisation pass (default 8192). */
  public static final String ROW_BLOCK = "neghash.tornado.rowBlock";

  /** Property: check every kernel against Java when the provider starts (default true). */
  public static final String SELF_TEST = "neghash.tornado.selfTest";

  /** Property: projection kernel form, auto, rows or outputs (default auto). */
  public static final String PROJECT_KERNEL = "neghash.tornado.projectKernel";

  /** Validates the block sizes and the kernel form. */
  public TornadoSettings {
    if (!projectKernel.equals("auto") && !projectKernel.equals("rows") && !projectKernel.equals("outputs")) {
      throw new IllegalArgumentException(
          "-D" + PROJECT_KERNEL + " must be auto, rows or outputs, got '" + projectKernel + "'");
    }
    if (anchorBlock < 1 || candidateBlock < 1 || rowBlock < 1) {
      throw new IllegalArgumentException(
          "TornadoVM block sizes must be >= 1 (anchor " + anchorBlock + ", candidate "
              + candidateBlock + ", row " + rowBlock + ")");
    }
  }

  /** The settings given by system properties, defaults for those not set. */
  public static TornadoSettings fromSystemProperties() {
    String device = System.getProperty(DEVICE);
    return new TornadoSettings(
        device == null || device.isBlank() ? null : device.trim(),
        intProperty(ANCHOR_BLOCK, 1 << 16),
        intProperty(CANDIDATE_BLOCK, 1 << 20),
        intProperty(ROW_BLOCK, 1 << 13),
        Boolean.parseBoolean(System.getProperty(SELF_TEST, "true").trim()),
        System.getProperty(PROJECT_KERNEL, "auto").trim().toLowerCase(java.util.Locale.ROOT));
  }

  /** This with other block sizes (tests use tiny blocks to cover the block logic). */
  public TornadoSettings withBlocks(int anchors, int candidates, int rows) {
    return new TornadoSettings(device, anchors, candidates, rows, selfTest, projectKernel);
  }

  /** This with another projection kernel form. */
  public TornadoSettings withProjectKernel(String form) {
    return new TornadoSettings(device, anchorBlock, candidateBlock, rowBlock, selfTest, form);
  }

  private static int intProperty(String name, int dflt) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be an integer, got '" + v + "'", e);
    }
  }
}
