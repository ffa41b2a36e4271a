package dev.neghash.engine.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.Progress;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming evaluator against a brute-force oracle: every sampled anchor's full exact order
 * from exact search (k = all admissible candidates), the rank of each LSH neighbour read off it.
 */
class QualityEvaluatorTest {

  private static final int N = 1500;
  private static final int D = 24;
  private static final int K = 30;

  @Test
  void equalsTheFullExactOrderWithLabelsPositivesAndDuplicates(@TempDir Path dir) throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    // Exact duplicates create ties in the cosine order, which both must break by index.
    System.arraycopy(x, 0, x, 10 * D, D);
    System.arraycopy(x, 0, x, 20 * D, D);
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      labels[i] = r.nextInt(40);
    }
    int[] pairs = {0, 3, 5, 9, 7, 1000};
    KernelProvider kp = KernelProviders.get();
    NegHash neghash = NegHash.builder().bits(128).seed(3).threads(2).build();
    SearchOptions search = SearchOptions.k(K).labels(labels).positivePairs(pairs);
    PackedCodes codes = neghash.encode(x, N, D);
    Neighbours lsh = neghash.search(codes, search);

    // The oracle: full exact lists of every item, all admissible candidates in exact order.
    float[] unit = ExactCosineSearch.normalized(x, N, D);
    Exclusions ex = Exclusions.ofItems(N, labels, pairs);
    int maxAdmissible = 0;
    for (int a = 0; a < N; a++) {
      int adm = 0;
      for (int c = 0; c < N; c++) {
        adm += ex.admits(a, c) ? 1 : 0;
      }
      maxAdmissible = Math.max(maxAdmissible, adm);
    }
    Neighbours full = ExactCosineSearch.search(unit, unit, D, ex, maxAdmissible, 2, kp, Progress.NONE);
    int[] sample = QualityReport.sampleAnchors(N, 200, 9);
    double overlapSum = 0;
    double posSum = 0;
    long posCount = 0;
    for (int a : sample) {
      int admissible = full.count(a);
      int exactK = Math.min(K, admissible);
      int hits = 0;
      for (int i = 0; i < lsh.count(a); i++) {
        int rank = indexOf(full.row(a), lsh.id(a, i));
        assertThat(rank).isGreaterThanOrEqualTo(0);
        hits += rank < exactK ? 1 : 0;
        posSum += Math.abs(rank - i);
        posCount++;
      }
      overlapSum += (double) hits / exactK;
    }
    double overlap = overlapSum / sample.length;
    double mpd = posSum / posCount;

    // From a raw float32 file, normalised as read (how the service stores kept floats).
    Path file = dir.resolve("floats.f32");
    ByteBuffer bb = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(x);
    Files.write(file, bb.array());
    QualityReport fromFile;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      fromFile = neghash.quality(lsh, FloatRows.rawFile(ch, D), N, D, search, 200, 9);
    }
    // From unit rows in memory, not normalised again.
    QualityReport inMemory = QualityReport.evaluate(lsh, unit, N, D, ex, 200, 9, 2, kp);

    for (QualityReport q : new QualityReport[] {fromFile, inMemory}) {
      assertThat(q.sampled()).isEqualTo(200);
      assertThat(q.k()).isEqualTo(K);
      assertThat(q.overlap()).isEqualTo(overlap);
      assertThat(q.meanPositionalDistance()).isEqualTo(mpd);
      assertThat(q.anchors()).containsExactly(sample);
    }
    assertThat(overlap).isBetween(0.01, 0.99);
  }

  @Test
  void exactListsScorePerfectlyAndAnExcludedItemIsRefused() throws Exception {
    SplittableRandom r = new SplittableRandom(8);
    float[] x = new float[400 * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    int[] labels = new int[400];
    for (int i = 0; i < 400; i++) {
      labels[i] = i % 7;
    }
    NegHash neghash = NegHash.builder().threads(1).build();
    SearchOptions search = SearchOptions.k(12).labels(labels);
    Neighbours exact = neghash.exactSearch(x, 8, search);
    QualityReport q = neghash.quality(exact, FloatRows.of(x, 8), 400, 8, search, 50, 1);
    assertThat(q.overlap()).isEqualTo(1.0);
    assertThat(q.meanPositionalDistance()).isEqualTo(0.0);

    QualityEvaluator ev = new QualityEvaluator(FloatRows.of(x, 8), 400, 8, true, 1, KernelProviders.get());
    assertThatThrownBy(() -> ev.ranks(new int[] {0}, new int[][] {{7}}, Exclusions.labels(labels), Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("excluded");
  }

  private static int indexOf(int[] row, int id) {
    for (int i = 0; i < row.length; i++) {
      if (row[i] == id) {
        return i;
      }
    }
    return -1;
  }
}
