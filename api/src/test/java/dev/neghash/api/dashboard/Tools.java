package dev.neghash.api.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Temporary folders, and the external programs the dashboard tests drive (Chromium,
 * chromedriver, Node). On a
 * developer machine without them those tests are skipped with a message naming the package to
 * install; under CI ({@code CI=true}) a missing program fails the test instead.
 */
final class Tools {

  private Tools() {}

  /** A new temporary folder, removed with everything in it when the test JVM exits. */
  static Path tempDir(String prefix) throws java.io.IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> dev.neghash.api.storage.DataStore.deleteQuietly(dir)));
    return dir;
  }

  /** Points the service's {@code neghash.data-dir} at a new temporary folder (see {@link #tempDir}). */
  static void tempDataDir(DynamicPropertyRegistry r, String prefix) throws java.io.IOException {
    Path dir = tempDir(prefix);
    r.add("neghash.data-dir", dir::toString);
  }

  /** Whether this run is CI, where every test must run. */
  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The first executable among the environment variable {@code override}, the absolute {@code
   * candidates} and the {@code PATH} entries named {@code names}; skips (or, under CI, fails) the
   * test when there is none.
   */
  static Path require(String what, String install, String override, String[] candidates, String... names) {
    String o = System.getenv(override);
    if (o != null && !o.isBlank()) {
      Path p = Path.of(o);
      if (!Files.isExecutable(p)) {
        fail(override + "=" + o + " is not an executable file");
      }
      return p;
    }
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        for (String n : names) {
          Path p = Path.of(dir, n);
          if (Files.isExecutable(p)) {
            return p;
          }
        }
      }
    }
    String message = what + " not found (set " + override + " or install it: " + install + ")";
    if (ci()) {
      fail(message + "; under CI=true this test must run");
    }
    Assumptions.abort(message + "; skipping");
    throw new AssertionError("unreachable");
  }
}
