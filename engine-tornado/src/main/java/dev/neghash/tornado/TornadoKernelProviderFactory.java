package dev.neghash.tornado;

import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviderFactory;
import dev.neghash.engine.kernel.KernelProviders;

/**
 * Plugs the TornadoVM provider into {@link KernelProviders} (registered in {@code
 * META-INF/services}); it wins over the Vector API provider when the JVM runs inside the TornadoVM
 * runtime and a device works, and says why not otherwise.
 *
 * <p>This class touches no TornadoVM type until it has checked that the runtime is loaded, so it is
 * safe on a plain JVM, where TornadoVM's jars are absent.
 */
public final class TornadoKernelProviderFactory implements KernelProviderFactory {

  /** Above the Vector API provider's 10. */
  public static final int PRIORITY = 20;

  private static final String BAILOUT = "tornado.recover.bailout";

  /** Creates the factory (called by {@link java.util.ServiceLoader}). */
  public TornadoKernelProviderFactory() {}

  @Override
  public String name() {
    return "tornado";
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * Opens the configured device and, unless {@code -Dneghash.tornado.selfTest=false}, checks every
   * kernel on it against the Java reference.
   *
   * @throws UnsupportedOperationException when the JVM was not started with TornadoVM's argfile
   * @throws IllegalStateException when TornadoVM has no usable device or a kernel fails on it
   */
  @Override
  public KernelProvider create() {
    if (ModuleLayer.boot().findModule("tornado.runtime").isEmpty()
        || !apiVisible()) {
      throw new UnsupportedOperationException(
          "TornadoVM runtime not loaded: start the JVM with @$TORNADOVM_HOME/tornado-argfile "
              + "(./neghash --tornado ..., see tornado-config/)");
    }
    // Without this TornadoVM silently runs a kernel it cannot compile as sequential Java; failing
    // instead lets the self-test reject the device and the lookup fall back to a fast CPU provider.
    if (System.getProperty(BAILOUT) == null) {
      System.setProperty(BAILOUT, "False");
    }
    return TornadoStartup.start(TornadoSettings.fromSystemProperties(), cpuProvider());
  }

  private boolean apiVisible() {
    try {
      Class.forName("uk.ac.manchester.tornado.api.TaskGraph", false, getClass().getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The CPU provider for the kernels that stay on the host: the Vector API one when it runs. */
  private static KernelProvider cpuProvider() {
    try {
      return KernelProviders.byName("panama");
    } catch (RuntimeException e) {
      return KernelProviders.byName("java");
    }
  }
}
