package dev.neghash.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRowWriterTest {

  @TempDir Path tmp;

  @Test
  void rowsWrittenInBlocksGiveTheFileTheWholeArrayGives() throws Exception {
    int[] ints = new int[5 * 3];
    float[] floats = new float[ints.length];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = i * 31 - 7;
      floats[i] = i / 3f - 1;
    }
    Npy.writeInt32(tmp.resolve("whole-i.npy"), ints, 5, 3);
    Npy.writeFloat32(tmp.resolve("whole-f.npy"), floats, 5, 3);
    try (NpyRowWriter wi = NpyRowWriter.int32(tmp.resolve("parts-i.npy"), 5, 3);
        NpyRowWriter wf = NpyRowWriter.float32(tmp.resolve("parts-f.npy"), 5, 3)) {
      wi.append(java.util.Arrays.copyOfRange(ints, 0, 6));
      wi.append(java.util.Arrays.copyOfRange(ints, 6, 15));
      wf.append(java.util.Arrays.copyOfRange(floats, 0, 3));
      assertThat(tmp.resolve("parts-i.npy")).as("nothing appears before the commit").doesNotExist();
      wf.append(java.util.Arrays.copyOfRange(floats, 3, 15));
      wi.commit();
      wf.commit();
    }
    assertThat(Files.readAllBytes(tmp.resolve("parts-i.npy"))).isEqualTo(Files.readAllBytes(tmp.resolve("whole-i.npy")));
    assertThat(Files.readAllBytes(tmp.resolve("parts-f.npy"))).isEqualTo(Files.readAllBytes(tmp.resolve("whole-f.npy")));
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void anUnfinishedFileLeavesNothingBehind() throws Exception {
    try (NpyRowWriter w = NpyRowWriter.int32(tmp.resolve("x.npy"), 4, 2)) {
      w.append(new int[] {1, 2, 3, 4});
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("wrote 4 of 8");
      assertThatThrownBy(() -> w.append(new int[10])).hasMessageContaining("more values than the shape holds");
      assertThatThrownBy(() -> w.append(new float[2])).hasMessageContaining("writes int32");
    }
    assertThat(tmp.resolve("x.npy")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  private Stream<Path> leftovers() throws Exception {
    return Files.list(tmp).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList().stream();
  }
}
