package dev.neghash.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @TempDir Path tmp;

  private static byte[] npy(String descr, String shape, boolean fortran, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    dict = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    byte[] out = new byte[10 + dict.length() + data.length];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) dict.length(), (byte) (dict.length() >> 8)};
    System.arraycopy(magic, 0, out, 0, 10);
    System.arraycopy(dict.getBytes(), 0, out, 10, dict.length());
    System.arraycopy(data, 0, out, 10 + dict.length(), data.length);
    return out;
  }

  private static float[] readAll(byte[] file) throws Exception {
    try (Npy.FloatRowReader r = new Npy.FloatRowReader(new ByteArrayInputStream(file))) {
      float[] out = new float[(int) (r.rows() * r.cols())];
      float[] buf = new float[2 * r.cols()];
      int n;
      int off = 0;
      while ((n = r.next(buf, 2)) > 0) {
        System.arraycopy(buf, 0, out, off, n * r.cols());
        off += n * r.cols();
      }
      return out;
    }
  }

  @Test
  void readsEveryFloatTypeInBothByteOrders() throws Exception {
    float[] v = {1.5f, -2.25f, 0f, 1024f, -0.5f, 3f};
    for (ByteOrder bo : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      String p = bo == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
      ByteBuffer f4 = ByteBuffer.allocate(24).order(bo);
      ByteBuffer f8 = ByteBuffer.allocate(48).order(bo);
      ByteBuffer f2 = ByteBuffer.allocate(12).order(bo);
      for (float x : v) {
        f4.putFloat(x);
        f8.putDouble(x);
        f2.putShort(Float.floatToFloat16(x));
      }
      assertThat(readAll(npy(p + "f4", "(3, 2)", false, f4.array()))).containsExactly(v);
      assertThat(readAll(npy(p + "f8", "(3, 2)", false, f8.array()))).containsExactly(v);
      assertThat(readAll(npy(p + "f2", "(3, 2)", false, f2.array()))).containsExactly(v);
    }
  }

  @Test
  void rejectsWhatItCannotRead() {
    byte[] four = new byte[24];
    assertThatThrownBy(() -> readAll(npy("<f4", "(3, 2)", true, four)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Fortran");
    assertThatThrownBy(() -> readAll(npy("<f4", "(6,)", false, four)))
        .hasMessageContaining("2-D").hasMessageContaining("(6,)");
    assertThatThrownBy(() -> readAll(npy("<i4", "(3, 2)", false, four)))
        .hasMessageContaining("dtype '<i4'");
    assertThatThrownBy(() -> readAll(npy("<f4", "(4, 2)", false, four)))
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> readAll("hello world".getBytes()))
        .hasMessageContaining("not a .npy file");
    assertThatThrownBy(() -> readAll(npy("<f4", "(3 2)", false, four)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void truncatedDataNamesTheFirstIncompleteRow() {
    int rows = 10_000;
    int cols = 3;
    for (String descr : new String[] {"<f4", "<f2", ">f8"}) {
      int size = descr.charAt(2) - '0';
      // Rows 0..8999 complete, row 9000 cut after one value: inside the second 8,192-row block.
      byte[] data = new byte[(9000 * cols + 1) * size];
      byte[] file = npy(descr, "(" + rows + ", " + cols + ")", false, data);
      assertThatThrownBy(() -> {
        try (Npy.FloatRowReader r = new Npy.FloatRowReader(new ByteArrayInputStream(file))) {
          float[] block = new float[8192 * cols];
          while (r.next(block, 8192) > 0) {
            // read on until the data runs out
          }
        }
      }).isInstanceOf(InvalidInputException.class)
          .hasMessage("the .npy data ends early: header says 10000 rows, data stops in row 9000");
    }
    // Cut exactly at a row boundary: row 8500 is the first one missing.
    byte[] file = npy("<f4", "(10000, 3)", false, new byte[8500 * cols * 4]);
    assertThatThrownBy(() -> readAll(file)).hasMessageEndingWith("data stops in row 8500");
  }

  @Test
  void readsLabelsOfSeveralIntegerTypes() throws Exception {
    ByteBuffer i8 = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
    i8.putLong(5).putLong(-1).putLong(7);
    assertThat(Npy.readLabels(new ByteArrayInputStream(npy(">i8", "(3,)", false, i8.array())))).containsExactly(5, -1, 7);
    ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    i4.putInt(9).putInt(10);
    assertThat(Npy.readLabels(new ByteArrayInputStream(npy("<i4", "(2,)", false, i4.array())))).containsExactly(9, 10);
    assertThat(Npy.readLabels(new ByteArrayInputStream(npy("|u1", "(2,)", false, new byte[] {3, (byte) 200})))).containsExactly(3, 200);
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    assertThatThrownBy(() -> Npy.readLabels(new ByteArrayInputStream(npy("<i8", "(1,)", false, big.array()))))
        .hasMessageContaining("32-bit");
    assertThatThrownBy(() -> Npy.readLabels(new ByteArrayInputStream(npy("<f4", "(1,)", false, new byte[4]))))
        .hasMessageContaining("labels dtype");
  }

  @Test
  void writesWhatItReads() throws Exception {
    Path p = tmp.resolve("x.npy");
    Npy.writeFloat32(p, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    int[] shape = new int[2];
    assertThat(Npy.readFloatMatrix(p, shape)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(shape).containsExactly(2, 3);
    byte[] bytes = Files.readAllBytes(p);
    assertThat((10 + (bytes[8] & 0xFF)) % 64).isZero(); // header padded to 64 bytes, as NumPy does
    Path q = tmp.resolve("l.npy");
    Npy.writeInt32(q, new int[] {4, -5}, 2, 1);
    assertThat(Npy.readLabels(q)).containsExactly(4, -5);
    try (var files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder("x.npy", "l.npy");
    }
  }

  @Test
  void failedAtomicWriteLeavesNothing() {
    Path p = tmp.resolve("y.npy");
    assertThatThrownBy(() -> AtomicFiles.write(p, out -> {
      out.write(1);
      throw new java.io.IOException("disk full");
    })).hasMessage("disk full");
    assertThat(tmp.toFile().list()).isEmpty();
  }
}
