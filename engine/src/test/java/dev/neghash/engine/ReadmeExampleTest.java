package dev.neghash.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it as a Java library" example, compiled and run: the code between the markers
 * below must stand in README.md as it is here, so the README cannot drift from the API.
 */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleRunsAndIsTheReadmesCode() throws Exception {
    int n = 2000;
    int d = 64;
    SplittableRandom r = new SplittableRandom(1);
    float[] embeddings = new float[n * d];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 50;
      for (int j = 0; j < d; j++) {
        embeddings[i * d + j] = (float) (r.nextGaussian() + (j == labels[i] ? 4 : 0));
      }
    }

    // README-BEGIN
    NegHash neghash = NegHash.builder().bits(512).seed(42).build();
    PackedCodes codes = neghash.encode(embeddings, n, d);          // n x d floats -> 64 bytes per item
    SearchOptions search = SearchOptions.k(32).labels(labels);     // same-label items are never negatives
    Neighbours nb = neghash.search(codes, search);                 // exact all-pairs Hamming top-32
    Negatives negatives = neghash.negatives(nb, MiningOptions.top(8));
    Batches batches = neghash.batches(nb, labels, BatchOptions.of(40, 42));
    QualityReport q = neghash.quality(nb, FloatRows.of(embeddings, d), n, d, search, 500, 42);
    System.out.printf("overlap@32 %.3f, %d batches%n", q.overlap(), batches.batches().size());
    // README-END

    assertThat(codes.bytesPerCode()).isEqualTo(64);
    assertThat(negatives.n()).isEqualTo(n);
    assertThat(negatives.count()).isEqualTo(8);
    for (int a = 0; a < n; a++) {
      for (int i = 0; i < negatives.found(a); i++) {
        assertThat(labels[negatives.ids()[a * 8 + i]]).isNotEqualTo(labels[a]);
      }
    }
    assertThat(batches.batches()).isNotEmpty();
    assertThat(q.overlap()).isBetween(0.05, 1.0);

    String source = Files.readString(Path.of("src/test/java/dev/neghash/engine/ReadmeExampleTest.java"));
    String example = source.substring(source.indexOf("// README-BEGIN") + 15, source.indexOf("    // README-END"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(squash(readme)).contains(squash(example));
  }

  private static String squash(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }
}
