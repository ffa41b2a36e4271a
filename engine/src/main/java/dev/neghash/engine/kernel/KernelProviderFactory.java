package dev.neghash.engine.kernel;

/**
 * A source of a {@link KernelProvider}, found with {@link java.util.ServiceLoader}: this is how
 * backends outside the engine (the TornadoVM module) plug in.
 */
public interface KernelProviderFactory {

  /** The provider's name, as accepted by the {@code neghash.kernels} property. */
  String name();

  /** Higher wins when several providers are available and none is forced. */
  int priority();

  /**
   * Creates the provider.
   *
   * @throws Exception with a message saying why the provider cannot run here (no device, missing
   *     runtime); the lookup logs it and moves on
   */
  KernelProvider create() throws Exception;
}
