package dev.neghash.cli;

import static dev.neghash.cli.CliRuns.readBatches;
import static dev.neghash.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.cli.CliRuns.Run;
import dev.neghash.engine.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code neghash batches}: P x K batches, the hardness report and refused batch sizes. */
class BatchesCommandTest {

  private static final int N = 800;
  private static final int D = 16;
  private static final int CLASSES = 10;

  @TempDir Path dir;
  private Path emb;
  private Path labels;
  private int[] y;

  @BeforeEach
  void data() throws Exception {
    Random r = new Random(3);
    float[][] centres = new float[CLASSES][D];
    for (float[] c : centres) {
      for (int j = 0; j < D; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    y = new int[N];
    float[] x = new float[N * D];
    for (int i = 0; i < N; i++) {
      y[i] = r.nextInt(CLASSES);
      for (int j = 0; j < D; j++) {
        x[i * D + j] = centres[y[i]][j] + (float) (1.2 * r.nextGaussian());
      }
    }
    emb = dir.resolve("emb.npy");
    labels = dir.resolve("labels.npy");
    Npy.writeFloat32(emb, x, N, D);
    CliRuns.writeLabels(labels, y);
  }


  private static double[] hardness(String out) {
    Matcher m = Pattern.compile("hardness ([0-9.]+) \\(random batches ([0-9.]+)\\)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }

  @Test
  void itemsPerLabelWritesPTimesKBatchesAndReportsTheirHardness() throws Exception {
    Run r = run("batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--batch-size", "16", "--items-per-label", "4", "--bits", "128", "--out", dir.resolve("pk").toString());
    assertThat(r.code()).as(r.err()).isZero();
    int[] b = readBatches(dir.resolve("pk.batches.npy"), 16, 40);
    int batches = b.length / 16;
    for (int batch = 0; batch < batches; batch++) {
      Set<Integer> seen = new HashSet<>();
      for (int g = 0; g < 4; g++) {
        int l = y[b[batch * 16 + g * 4]];
        assertThat(seen.add(l)).isTrue();
        for (int i = 0; i < 4; i++) {
          assertThat(y[b[batch * 16 + g * 4 + i]]).isEqualTo(l);
        }
      }
    }
    double[] mined = hardness(r.out());
    assertThat(mined[0]).isGreaterThan(mined[1]);
    assertThat(r.out()).contains("batches: " + batches + " of 16, " + (N - 16 * batches) + " items left out");

    Run random = run("batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--batch-size", "16", "--items-per-label", "4", "--random-share", "1", "--bits", "128", "--out",
        dir.resolve("pkr").toString());
    assertThat(random.code()).as(random.err()).isZero();
    assertThat(hardness(random.out())[0]).isLessThan(mined[0]);
  }

  @Test
  void exactBuildsFromCosineNeighbours() throws Exception {
    Run r = run("batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--batch-size", "16", "--items-per-label", "4", "--exact", "--out", dir.resolve("ex").toString());
    assertThat(r.code()).as(r.err()).isZero();
    readBatches(dir.resolve("ex.batches.npy"), 16, 40);
    double[] h = hardness(r.out());
    assertThat(h[0]).isGreaterThan(h[1]);
  }

  @Test
  void rankFromSkipsTheNearestNeighboursAndZeroIsTheDefault() throws Exception {
    String[] base = {"batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--batch-size", "16", "--items-per-label", "4", "--bits", "128", "--out"};
    Run plain = run(concat(base, dir.resolve("plain").toString()));
    Run zero = run(concat(base, dir.resolve("zero").toString(), "--rank-from", "0"));
    Run window = run(concat(base, dir.resolve("window").toString(), "--rank-from", "16"));
    assertThat(window.code()).as(window.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("zero.batches.npy")))
        .isEqualTo(Files.readAllBytes(dir.resolve("plain.batches.npy")));
    assertThat(Files.readAllBytes(dir.resolve("window.batches.npy")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("plain.batches.npy")));
    readBatches(dir.resolve("window.batches.npy"), 16, 40);
    // Anchors that skip their 16 nearest other-label items build easier batches.
    assertThat(hardness(window.out())[0]).isLessThan(hardness(plain.out())[0]);
    assertThat(hardness(zero.out())[0]).isEqualTo(hardness(plain.out())[0]);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void noHardnessSkipsTheReport() {
    Run r = run("batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--batch-size", "8", "--no-hardness", "--bits", "64", "--out", dir.resolve("s").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("items left out -> ").doesNotContain("hardness");
  }

  private void assertRefused(String expected, String... extra) throws Exception {
    String[] base = {"batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "32",
        "--bits", "64", "--out", dir.resolve("out").toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Run r = run(args);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("neghash: error: ").contains(expected);
    assertThat(r.err().lines().count()).isEqualTo(1);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).allMatch(f -> !f.startsWith("out"));
    }
  }

  @Test
  void batchSizesTheLabelsCannotMeetAreRefusedWithoutAnOutputFile() throws Exception {
    assertRefused("batch size 128 needs at least 128 distinct labels for batches without repeated labels; the labels"
        + " have 10 — use --items-per-label (P x K batches)", "--batch-size", "128");
    assertRefused("batch size 128 with --items-per-label 4 needs 32 labels with at least 4 items each; the labels have 10",
        "--batch-size", "128", "--items-per-label", "4");
    assertRefused("batch size 30 is not a multiple of --items-per-label 4", "--batch-size", "30", "--items-per-label",
        "4");
    assertRefused("--random-share needs --items-per-label", "--batch-size", "8", "--random-share", "0.5");
    assertRefused("--random-share must be between 0 and 1", "--batch-size", "8", "--items-per-label", "4",
        "--random-share", "2");
    assertRefused("--rank-from 32 must be below the neighbour list length --k (32)", "--batch-size", "8",
        "--rank-from", "32");
    assertRefused("--rank-from must be >= 0, got -1", "--batch-size", "8", "--rank-from", "-1");
  }
}
