package dev.neghash.api.dataset;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** Short upload bodies name the first row they do not hold completely. */
class RowSourceTest {

  private static final int ROWS = 10_000;
  private static final int COLS = 4;
  private static final int BLOCK = 8192;

  private static void drain(RowSource src) throws Exception {
    float[] block = new float[BLOCK * COLS];
    while (src.next(block, BLOCK) > 0) {
      // read on until the body runs out
    }
  }

  @Test
  void shortNpyBodyNamesTheRowWhereTheDataStops() {
    // Rows 0..9122 complete, row 9123 cut after two of its four values (second 8,192-row block).
    byte[] body = Npy.bytes("<f4", new long[] {ROWS, COLS}, new byte[(9123 * COLS + 2) * 4]);
    assertThatThrownBy(() -> drain(RowSource.npy(new ByteArrayInputStream(body))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith("data stops in row 9123");
  }

  @Test
  void shortRawBodyNamesTheRowWhereTheDataStops() {
    byte[] body = new byte[(9123 * COLS + 3) * 4];
    assertThatThrownBy(() -> drain(RowSource.raw(new ByteArrayInputStream(body), ROWS, COLS)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith("the data stops in row 9123");
  }
}
