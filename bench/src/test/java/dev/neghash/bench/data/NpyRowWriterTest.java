package dev.neghash.bench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRowWriterTest {

  @TempDir
  Path dir;

  @Test
  void writesAMatrixChunkByChunk() throws Exception {
    Path p = dir.resolve("x.npy");
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {-1.5f, Float.MIN_VALUE, 7};
    try (NpyRowWriter w = new NpyRowWriter(p, 3, 3)) {
      w.append(a, 2);
      w.append(b, 1);
      w.commit();
    }
    int[] shape = new int[2];
    assertThat(Npy.readFloatMatrix(p, shape)).containsExactly(1, 2, 3, 4, 5, 6, -1.5f, Float.MIN_VALUE, 7);
    assertThat(shape).containsExactly(3, 3);
  }

  @Test
  void leavesNoFileUnlessEveryRowWasWritten() throws Exception {
    Path p = dir.resolve("y.npy");
    try (NpyRowWriter w = new NpyRowWriter(p, 4, 2)) {
      w.append(new float[] {1, 2}, 1);
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> w.append(new float[8], 4)).isInstanceOf(IllegalStateException.class);
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
