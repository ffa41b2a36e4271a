package dev.neghash.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.kernel.KernelProviders;
import org.junit.jupiter.api.Test;

/**
 * On a JVM started without TornadoVM's argument file (surefire execution {@code plain-jvm}) the
 * provider is on the class path but declines: the lookup falls back to a CPU provider and gives
 * the reason, and forcing it fails with that reason.
 */
class WithoutTornadoRuntimeTest {

  @Test
  void fallsBackToTheCpuAndSaysWhy() {
    assertThat(ModuleLayer.boot().findModule("tornado.runtime")).isEmpty();
    KernelProviders.Selection s = KernelProviders.selection();
    assertThat(s.provider().name()).isIn("panama", "java");
    assertThat(s.reason()).contains("tornado unavailable").contains("tornado-argfile");
    assertThatThrownBy(() -> KernelProviders.byName("tornado"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TornadoVM runtime not loaded");
  }
}
