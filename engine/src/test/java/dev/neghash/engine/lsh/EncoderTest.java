package dev.neghash.engine.lsh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.TestData;
import dev.neghash.engine.kernel.JavaKernelProvider;
import dev.neghash.engine.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderTest {

  @TempDir Path tmp;

  /** Straightforward double-precision encoding, for comparison. */
  private static boolean[][] reference(float[] x, int n, int d, Projection p, boolean center) {
    int b = p.bits();
    double[][] z = new double[n][b];
    double[] mean = new double[b];
    for (int r = 0; r < n; r++) {
      double norm = 0;
      for (int i = 0; i < d; i++) {
        norm += (double) x[r * d + i] * x[r * d + i];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < b; j++) {
        double[] row = p.row(j);
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += row[i] * x[r * d + i] / norm;
        }
        z[r][j] = s;
        mean[j] += s / n;
      }
    }
    boolean[][] bits = new boolean[n][b];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < b; j++) {
        bits[r][j] = z[r][j] - (center ? mean[j] : 0) >= 0;
      }
    }
    return bits;
  }

  @Test
  void bitsAreSignsOfCentredProjections() {
    int n = 300;
    int d = 20;
    float[] x = TestData.gaussian(n, d, 1);
    for (int i = 0; i < x.length; i += 3) {
      x[i] += 2f; // a shared offset makes centring matter
    }
    for (boolean center : new boolean[] {true, false}) {
      Encoder enc = new Encoder(d, Encoder.Options.of(128, 3).withCenter(center));
      PackedCodes codes = enc.encode(x, n).codes();
      boolean[][] ref = reference(x, n, d, enc.projection(), center);
      int mismatches = 0;
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < 128; j++) {
          if (codes.bit(r, j) != ref[r][j]) {
            mismatches++;
          }
        }
      }
      // Float vs double rounding may flip a bit that sits on the threshold, nothing more.
      assertThat(mismatches).as("center=%s", center).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void centringBalancesBits() {
    int n = 2000;
    int d = 16;
    float[] x = TestData.gaussian(n, d, 2);
    for (int i = 0; i < x.length; i += d) {
      x[i] += 3f;
    }
    PackedCodes centred = new Encoder(d, Encoder.Options.of(64, 1)).encode(x, n).codes();
    PackedCodes plain = new Encoder(d, Encoder.Options.of(64, 1).withCenter(false)).encode(x, n).codes();
    double worstCentred = 0;
    double worstPlain = 0;
    for (int j = 0; j < 64; j++) {
      int onC = 0;
      int onP = 0;
      for (int r = 0; r < n; r++) {
        onC += centred.bit(r, j) ? 1 : 0;
        onP += plain.bit(r, j) ? 1 : 0;
      }
      worstCentred = Math.max(worstCentred, Math.abs(onC / (double) n - 0.5));
      worstPlain = Math.max(worstPlain, Math.abs(onP / (double) n - 0.5));
    }
    assertThat(worstCentred).isLessThan(0.1);
    assertThat(worstPlain).isGreaterThan(0.2);
  }

  @Test
  void chunkingThreadsSpillingAndProviderDoNotChangeTheCodes() throws Exception {
    int n = 1100;
    int d = 37;
    float[] x = TestData.gaussian(n, d, 4);
    PackedCodes whole = new Encoder(d, Encoder.Options.of(192, 9).withThreads(1)).encode(x, n).codes();

    Encoder spilling = new Encoder(d, Encoder.Options.of(192, 9).withThreads(3).withSpill(0, tmp));
    Encoder.Encoded streamed;
    try (Encoder.Session s = spilling.begin(Progress.NONE)) {
      int[] chunks = {1, 300, 257, 542};
      int off = 0;
      for (int c : chunks) {
        s.add(Arrays.copyOfRange(x, off * d, (off + c) * d), c);
        off += c;
      }
      streamed = s.finish();
    }
    assertThat(streamed.spilledBytes()).isEqualTo((long) n * 192 * 4);
    assertThat(streamed.codes().words()).containsExactly(whole.words());
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).as("spill file removed").isEmpty();
    }

    PackedCodes java = new Encoder(d, Encoder.Options.of(192, 9), new JavaKernelProvider()).encode(x, n).codes();
    assertThat(java.words()).containsExactly(whole.words());
  }

  @Test
  void nonFiniteRowsAreRejectedWithTheirIndex() {
    int d = 4;
    Encoder enc = new Encoder(d, Encoder.Options.of(64, 1).withSpill(0, tmp));
    Encoder.Session s = enc.begin(Progress.NONE);
    s.add(TestData.gaussian(10, d, 1), 10);
    float[] bad = TestData.gaussian(5, d, 2);
    bad[3 * d + 2] = Float.NaN;
    assertThatThrownBy(() -> s.add(bad, 5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("row 13 contains NaN (column 2)");
    float[] inf = TestData.gaussian(1, d, 2);
    inf[0] = Float.NEGATIVE_INFINITY;
    Encoder.Session s2 = enc.begin(Progress.NONE);
    assertThatThrownBy(() -> s2.add(inf, 1)).hasMessage("row 0 contains an infinite value (column 0)");
    s2.close();
  }

  @Test
  void packedBytesMatchNumpyPackbitsLittle() {
    long[] w = {0x0102030405060708L, -1L};
    PackedCodes c = new PackedCodes(w, 1, 128);
    byte[] b = c.toBytes();
    assertThat(b[0]).isEqualTo((byte) 0x08); // bits 0..7 of word 0
    assertThat(b[7]).isEqualTo((byte) 0x01);
    assertThat(b[8]).isEqualTo((byte) 0xFF);
    assertThat(PackedCodes.fromBytes(b, 1, 128).words()).containsExactly(w);
    assertThat(c.bit(0, 3)).isTrue(); // 0x08 = bit 3
    assertThat(c.bit(0, 2)).isFalse();
  }
}
