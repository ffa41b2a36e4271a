package dev.neghash.bench.harness;

import dev.neghash.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Worker results as {@code key=value} lines, the format the Python worker writes too. */
final class PropsFile {

  private PropsFile() {}

  /** Writes {@code p} atomically. */
  static void write(Path path, Properties p) throws IOException {
    AtomicFiles.write(path, out -> p.store(out, "neghash bench worker result"));
  }

  /** Reads a result file. */
  static Properties read(Path path) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      p.load(in);
    }
    return p;
  }

  /** A required double. */
  static double num(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalStateException("worker result lacks '" + key + "'");
    }
    return Double.parseDouble(v);
  }
}
