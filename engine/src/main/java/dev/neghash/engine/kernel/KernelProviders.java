package dev.neghash.engine.kernel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Chooses the kernel provider once, logs which one and why, and hands it out.
 *
 * <p>Candidates: {@code tornado} (or any other {@link KernelProviderFactory} on the class path),
 * {@code panama} (needs {@code --add-modules jdk.incubator.vector}) and {@code java} (always). The
 * available one with the highest priority wins, unless the system property {@value #PROPERTY}
 * names one ({@code java}, {@code panama}, {@code tornado}, or {@code auto}); a forced provider
 * that cannot start is an error, not a silent fallback.
 */
public final class KernelProviders {

  /** System property that forces a provider by name. */
  public static final String PROPERTY = "neghash.kernels";

  private static final Logger LOG = System.getLogger(KernelProviders.class.getName());

  private static volatile Selection selection;

  /** The chosen provider and the reason, as logged. */
  public record Selection(KernelProvider provider, String reason) {}

  private KernelProviders() {}

  /** The provider in use (chosen on first call). */
  public static KernelProvider get() {
    return selection().provider();
  }

  /** The provider in use with the reason it was chosen. */
  public static Selection selection() {
    Selection s = selection;
    if (s == null) {
      synchronized (KernelProviders.class) {
        s = selection;
        if (s == null) {
          s = choose(System.getProperty(PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT));
          LOG.log(Level.INFO, "kernel provider: {0} ({1})", s.provider().name(), s.reason());
          selection = s;
        }
      }
    }
    return s;
  }

  /** Every provider that can be created here, best first (for parity tests and benchmarks). */
  public static List<KernelProvider> available() {
    List<KernelProvider> out = new ArrayList<>();
    for (KernelProviderFactory f : factories()) {
      try {
        out.add(f.create());
      } catch (Exception | LinkageError e) {
        LOG.log(Level.DEBUG, "provider {0} unavailable: {1}", f.name(), e.getMessage());
      }
    }
    return out;
  }

  /** Creates the named provider. */
  public static KernelProvider byName(String name) {
    for (KernelProviderFactory f : factories()) {
      if (f.name().equals(name)) {
        try {
          return f.create();
        } catch (Exception | LinkageError e) {
          throw new IllegalStateException("kernel provider '" + name + "' cannot start: " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown kernel provider '" + name + "'; known: "
            + factories().stream().map(KernelProviderFactory::name).toList());
  }

  private static Selection choose(String wanted) {
    if (!wanted.equals("auto")) {
      return new Selection(byName(wanted), "forced by -D" + PROPERTY + "=" + wanted);
    }
    StringBuilder skipped = new StringBuilder();
    for (KernelProviderFactory f : factories()) {
      try {
        KernelProvider p = f.create();
        String why = skipped.isEmpty() ? "best available" : "best available; " + skipped;
        if (p instanceof JavaKernelProvider && !skipped.isEmpty()) {
          why = "fallback: " + skipped;
        }
        return new Selection(p, why);
      } catch (Exception | LinkageError e) {
        if (!skipped.isEmpty()) {
          skipped.append("; ");
        }
        skipped.append(f.name()).append(" unavailable: ").append(e.getMessage());
      }
    }
    throw new IllegalStateException("no kernel provider available: " + skipped);
  }

  private static List<KernelProviderFactory> factories() {
    List<KernelProviderFactory> list = new ArrayList<>();
    ServiceLoader.load(KernelProviderFactory.class, KernelProviders.class.getClassLoader())
        .forEach(list::add);
    list.add(new Builtin("panama", 10, KernelProviders::panama));
    list.add(new Builtin("java", 0, JavaKernelProvider::new));
    list.sort(Comparator.comparingInt(KernelProviderFactory::priority).reversed());
    return list;
  }

  /** A provider built into the engine. */
  private record Builtin(String name, int priority, Supplier<KernelProvider> maker) implements KernelProviderFactory {
    @Override
    public KernelProvider create() {
      return maker.get();
    }
  }

  /** The Vector API provider; its class is loaded only once the module is known to be there. */
  private static KernelProvider panama() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      throw new UnsupportedOperationException(
          "module jdk.incubator.vector not loaded; run java with --add-modules=jdk.incubator.vector");
    }
    return new PanamaKernelProvider();
  }
}
