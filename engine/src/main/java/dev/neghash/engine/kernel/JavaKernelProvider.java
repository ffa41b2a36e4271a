package dev.neghash.engine.kernel;

/** The reference provider: delegates to {@link JavaKernels}. Always available. */
public final class JavaKernelProvider implements KernelProvider {

  /** Creates the provider. */
  public JavaKernelProvider() {}

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void project(float[] x, int rows, int d, float[] rT, int b, float[] z) {
    JavaKernels.project(x, rows, d, rT, b, z);
  }

  @Override
  public void binarize(float[] z, int rows, int b, float[] mean, long[] codes, int codeOffset) {
    JavaKernels.binarize(z, rows, b, mean, codes, codeOffset);
  }

  @Override
  public void hammingTopK(HammingTask task, int from, int to) {
    JavaKernels.hammingTopK(task, from, to);
  }

  @Override
  public void cosineTopK(CosineTask task, int from, int to) {
    JavaKernels.cosineTopK(task, from, to);
  }
}
