package dev.neghash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command tests' way in and out: runs the command line in-process, writes labels, reads results. */
final class CliRuns {

  private CliRuns() {}

  /** Exit code and what the command printed. */
  record Run(int code, String out, String err) {}

  /** Runs the command line with {@code args}. */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** Writes {@code y} as a 1-D int32 .npy file, the shape labels must have. */
  static void writeLabels(Path p, int[] y) throws Exception {
    ByteBuffer bb = ByteBuffer.allocate(y.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(y);
    Files.write(p, Npy.bytes("<i4", new long[] {y.length}, bb.array()));
  }

  /**
   * Reads a batches .npy file and checks what every one holds: rows of {@code batchSize} item ids, at
   * least {@code minBatches} of them, no item twice.
   */
  static int[] readBatches(Path p, int batchSize, int minBatches) throws Exception {
    long[] shape = new long[2];
    int[] b = readInts(p, shape);
    assertThat(shape[1]).isEqualTo(batchSize);
    assertThat(shape[0]).isGreaterThanOrEqualTo(minBatches);
    assertThat(b).doesNotHaveDuplicates();
    return b;
  }

  /** Reads a 2-D int32 .npy file; its shape goes to {@code shapeOut}. */
  static int[] readInts(Path p, long[] shapeOut) throws Exception {
    try (InputStream in = Files.newInputStream(p)) {
      NpyHeader h = NpyHeader.read(in);
      assertThat(h.descr()).isEqualTo("<i4");
      System.arraycopy(h.shape(), 0, shapeOut, 0, 2);
      byte[] data = in.readAllBytes();
      int[] out = new int[data.length / 4];
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
      return out;
    }
  }
}
