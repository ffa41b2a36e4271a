package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HarnessTest {

  private static Settings parse(String... args) {
    Harness h = new Harness();
    new CommandLine(h).parseArgs(args);
    return h.settings();
  }

  @Test
  void defaultsAreFashionMnistAndSyntheticDataAtFourCodeLengths() {
    Settings s = parse();
    assertThat(s.bits()).containsExactly(128, 256, 512, 1024);
    assertThat(s.k()).isEqualTo(128);
    assertThat(s.datasets()).extracting(DatasetSpec::name).containsExactly("fashion-pixels", "fashion-pca128",
        "synthetic-10000", "synthetic-30000", "synthetic-100000", "synthetic-300000", "synthetic-1000000");
    assertThat(s.datasets().get(0).n()).isEqualTo(60_000);
    assertThat(s.datasets().get(0).allAnchors()).isTrue();
    assertThat(s.datasets().get(2).d()).isEqualTo(768);
  }

  @Test
  void quickIsSmall() {
    Settings s = parse("--quick", "--bits", "1024,128");
    assertThat(s.mode()).isEqualTo("quick");
    assertThat(s.bits()).containsExactly(128, 1024);
    assertThat(s.out().toString()).endsWith("quick");
    assertThat(s.datasets()).allSatisfy(d -> assertThat(d.n()).isLessThanOrEqualTo(10_000));
  }

  @Test
  void methodsDefaultToTheFlatOnesAndHnswIsOptIn() {
    assertThat(parse().methods()).containsExactlyInAnyOrderElementsOf(Settings.DEFAULT_METHODS);
    assertThat(parse("--quick").methods()).doesNotContainAnyElementsOf(Settings.HNSW_METHODS);
    Settings s = parse("--methods", "lsh,hnsw", "--hnsw-ef", "64");
    assertThat(s.methods()).containsExactlyInAnyOrder("lsh", "lucene-hnsw", "lucene-hnsw-bq", "faiss-hnsw");
    assertThat(s.hnswEf()).isEqualTo(128); // never below k
    assertThat(parse("--methods", "all").methods()).containsExactlyInAnyOrderElementsOf(Settings.METHODS);
    assertThat(parse("--methods", "faiss-hnsw", "--k", "32", "--hnsw-ef", "200").hnswEf()).isEqualTo(200);
  }

  @Test
  void rejectsBadBitsAndUnknownDataSets() {
    Harness h = new Harness();
    CommandLine cl = new CommandLine(h);
    cl.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
    cl.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()));
    assertThat(cl.execute("--bits", "100")).isEqualTo(2);
    assertThat(cl.execute("--datasets", "mnist")).isEqualTo(2);
    assertThat(cl.execute("--methods", "annoy")).isEqualTo(2);
    assertThat(cl.execute("--methods", "faiss-binary")).isEqualTo(2); // needs lsh's codes
  }
}
