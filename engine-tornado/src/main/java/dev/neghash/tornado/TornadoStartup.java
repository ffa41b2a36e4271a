package dev.neghash.tornado;

import dev.neghash.engine.kernel.KernelProvider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.exceptions.TornadoInternalError;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * Opens the TornadoVM device and checks it. Loaded only once the TornadoVM runtime is known to be in
 * the JVM, so that {@link TornadoKernelProviderFactory} itself never links against TornadoVM.
 */
final class TornadoStartup {

  /** A device and a one-line description of it. */
  record Selected(TornadoDevice device, String description) {}

  private static final Logger LOG = System.getLogger(TornadoStartup.class.getName());

  private TornadoStartup() {}

  /**
   * Opens the configured device, builds the provider and runs the self-test when enabled.
   *
   * @throws IllegalStateException with the reason when there is no usable device or a kernel fails
   */
  static TornadoKernelProvider start(TornadoSettings settings, KernelProvider cpu) {
    Selected selected;
    try {
      selected = select(settings.device());
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException | TornadoInternalError e) {
      throw new IllegalStateException("TornadoVM runtime failed to start: " + e, e);
    }
    TornadoKernelProvider provider =
        new TornadoKernelProvider(selected.device(), selected.description(), settings, cpu);
    if (settings.selfTest()) {
      long t0 = System.nanoTime();
      try {
        SelfTest.run(provider);
      } catch (RuntimeException | TornadoInternalError e) {
        throw new IllegalStateException(
            "TornadoVM device " + selected.description() + " failed the kernel self-test: " + e, e);
      } finally {
        // The self-test's small shapes are not needed again.
        provider.close();
      }
      LOG.log(Level.INFO, "TornadoVM self-test passed on {0} in {1} ms",
          selected.description(), (System.nanoTime() - t0) / 1_000_000);
    }
    LOG.log(Level.INFO, "TornadoVM device: {0}", selected.description());
    return provider;
  }

  /**
   * The device named by {@code spec} ({@code "backend:device"}), or TornadoVM's default device when
   * {@code spec} is null.
   *
   * @throws IllegalStateException if TornadoVM has no device, or none with that index (the message
   *     lists the devices there are)
   */
  static Selected select(String spec) {
    TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
    List<String> all = new ArrayList<>();
    for (int b = 0; b < runtime.getNumBackends(); b++) {
      TornadoBackend backend = runtime.getBackend(b);
      for (int d = 0; d < backend.getNumDevices(); d++) {
        all.add(b + ":" + d + " " + describe(backend.getDevice(d)));
      }
    }
    if (all.isEmpty()) {
      throw new IllegalStateException(
          "TornadoVM found no device (no OpenCL/PTX driver, or no GPU visible to this process)");
    }
    TornadoDevice device;
    if (spec == null) {
      device = runtime.getDefaultDevice();
    } else {
      String[] parts = spec.split(":");
      int b;
      int d;
      try {
        if (parts.length != 2) {
          throw new NumberFormatException(spec);
        }
        b = Integer.parseInt(parts[0].trim());
        d = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            "-D" + TornadoSettings.DEVICE + " must be backend:device (e.g. 0:0), got '" + spec
                + "'; devices: " + all, e);
      }
      if (b < 0 || b >= runtime.getNumBackends() || d < 0 || d >= runtime.getBackend(b).getNumDevices()) {
        throw new IllegalStateException("no TornadoVM device " + spec + "; devices: " + all);
      }
      device = runtime.getBackend(b).getDevice(d);
    }
    return new Selected(device, describe(device));
  }

  private static String describe(TornadoDevice device) {
    return device.getTornadoVMBackend() + " " + device.getPhysicalDevice().getDeviceName()
        + " [" + device.getPlatformName() + "], " + (device.getMaxGlobalMemory() >> 20) + " MiB";
  }
}
