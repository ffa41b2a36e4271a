package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.neghash.bench.harness.HnswLists.D;
import static dev.neghash.bench.harness.HnswLists.K;
import static dev.neghash.bench.harness.HnswLists.N;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neghash.bench.data.SyntheticEmbeddings;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.mining.QualityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faiss_worker.py hnsw}: its over-fetched lists obey the label rule and come close to exact
 * order on clustered data (skipped where Python has no FAISS).
 */
class FaissHnswTest {

  @TempDir
  Path dir;

  @Test
  void overFetchedListsExcludeTheAnchorsLabelAndOverlapExactNeighbours() throws Exception {
    String python = System.getenv().getOrDefault("NEGHASH_BENCH_PYTHON", "/usr/bin/python3");
    Path script = Path.of("faiss_worker.py");
    assumeTrue(Files.isRegularFile(script), "run from the bench module");
    assumeTrue(run(List.of(python, "-c", "import faiss, numpy")) == 0, "no FAISS in " + python);

    // Classes of 10 plus a few large classes, so some anchors need more than one round.
    SyntheticEmbeddings g = new SyntheticEmbeddings(N, D, 5);
    float[] x = g.all(2);
    int[] labels = g.labels().clone();
    for (int i = 0; i < 600; i++) {
      labels[i] = 100_000 + i % 2;
    }
    Npy.writeFloat32(dir.resolve("x.npy"), x, N, D);
    NpyInts.write(dir.resolve("labels.npy"), labels);
    int[] anchors = QualityReport.sampleAnchors(N, 400, 3);
    NpyInts.write(dir.resolve("anchors.npy"), anchors);
    assertThat(run(List.of(python, script.toString(), "hnsw", "--data", dir.resolve("x.npy").toString(),
        "--labels", dir.resolve("labels.npy").toString(), "--anchors", dir.resolve("anchors.npy").toString(),
        "--k", Integer.toString(K), "--threads", "2", "--ef", "32", "--out", dir.resolve("h").toString(),
        "--props", dir.resolve("h.props").toString()))).isZero();
    Properties p = PropsFile.read(dir.resolve("h.props"));
    assertThat(PropsFile.num(p, "build_s")).isPositive();
    assertThat(PropsFile.num(p, "rounds")).isGreaterThanOrEqualTo(1);
    int[] ids = NpyInts.read(dir.resolve("h.ids.npy"));
    HnswLists.assertLabelRule(ids, anchors, labels);
    assertThat(HnswLists.overlapWithExact(x, labels, anchors, ids)).isGreaterThan(0.9);
  }

  private int run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
