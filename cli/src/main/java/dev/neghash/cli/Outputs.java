package dev.neghash.cli;

import dev.neghash.engine.io.AtomicFiles;
import dev.neghash.engine.io.Npy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The output files of one command: each is written atomically, and if any write fails the ones
 * already written are removed, so a failed command leaves nothing behind.
 */
final class Outputs {
  private final String prefix;
  private final List<Path> written = new ArrayList<>();

  Outputs(String prefix) {
    this.prefix = prefix;
  }

  Path path(String suffix) {
    return Path.of(prefix + suffix);
  }

  void int32(String suffix, int[] data, int rows, int cols) throws IOException {
    run(suffix, p -> Npy.writeInt32(p, data, rows, cols));
  }

  void float32(String suffix, float[] data, int rows, int cols) throws IOException {
    run(suffix, p -> Npy.writeFloat32(p, data, rows, cols));
  }

  void uint8(String suffix, byte[] data, int rows, int cols) throws IOException {
    run(suffix, p -> Npy.writeUint8(p, data, rows, cols));
  }

  void raw(String suffix, byte[] bytes) throws IOException {
    run(suffix, p -> AtomicFiles.write(p, out -> out.write(bytes)));
  }

  void text(String suffix, TextWriter w) throws IOException {
    run(suffix, p -> AtomicFiles.write(p, out -> {
      Appender a = new Appender(out);
      w.write(a);
      a.flush();
    }));
  }

  private interface Step {
    void write(Path p) throws IOException;
  }

  /** Writes text lines. */
  interface TextWriter {
    void write(Appender out) throws IOException;
  }

  /** Buffered UTF-8 text output. */
  static final class Appender implements Appendable {
    private final OutputStream out;
    private final StringBuilder sb = new StringBuilder(1 << 16);

    Appender(OutputStream out) {
      this.out = out;
    }

    Appender append(Object s) throws IOException {
      return append(String.valueOf(s));
    }

    @Override
    public Appender append(CharSequence s) throws IOException {
      sb.append(s);
      if (sb.length() > 1 << 15) {
        flush();
      }
      return this;
    }

    @Override
    public Appender append(CharSequence s, int start, int end) throws IOException {
      return append(s.subSequence(start, end));
    }

    @Override
    public Appender append(char c) throws IOException {
      return append(String.valueOf(c));
    }

    void flush() throws IOException {
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      sb.setLength(0);
    }
  }

  private void run(String suffix, Step step) throws IOException {
    Path p = path(suffix);
    try {
      step.write(p);
      written.add(p);
    } catch (IOException | RuntimeException e) {
      rollback();
      throw e;
    }
  }

  /** Removes every file written so far. */
  void rollback() {
    for (Path p : written) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort
      }
    }
    written.clear();
  }

  List<Path> written() {
    return written;
  }
}
