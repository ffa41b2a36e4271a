package dev.neghash.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @TempDir
  Path out;

  private Settings settings() {
    return new Settings(out, out, false, "default", 2, 128, new int[] {512, 1024}, 42, 16, "python3", 1, 1, 1, 1, 1,
        10, 64, List.of(), "shared machine", 1, 1, 10, "PASSIVE", java.util.Set.copyOf(Settings.METHODS), 1000, 16,
        100, 128, 200_000);
  }

  private static Row row(String ds, int n, String method, int bits, String rule, double encode, int anchors,
      double search, double overlap) {
    double all = search * n / anchors;
    return new Row(ds, n, 784, method, bits, rule, 2, 0.1, encode, anchors, search, all, 300_000_000L,
        bits > 0 ? bits / 8.0 : 3136, 100, overlap, 3.0, 0.9, "");
  }

  private List<Row> rows() {
    List<Row> r = new ArrayList<>();
    for (String ds : List.of("fashion-pixels", "synthetic-10000", "synthetic-100000")) {
      int n = ds.equals("fashion-pixels") ? 60_000 : ds.equals("synthetic-10000") ? 10_000 : 100_000;
      r.add(row(ds, n, "neghash-lsh", 512, "labels", 1.0, n, 2.0, 0.60));
      r.add(row(ds, n, "neghash-lsh", 512, "self", 1.0, 1000, 0.1, 0.70));
      r.add(row(ds, n, "faiss-binary-flat", 512, "self", 0.0, 1000, 0.5, 0.70));
      r.add(row(ds, n, "neghash-lsh", 1024, "labels", 2.0, n, 3.0, 0.65));
      r.add(row(ds, n, "neghash-lsh", 1024, "self", 2.0, 1000, 0.2, 0.75));
      r.add(row(ds, n, "faiss-binary-flat", 1024, "self", 0.0, 1000, 0.3, 0.75));
      r.add(row(ds, n, "neghash-exact", 0, "labels", 0, n, 40.0, 1.0));
      r.add(row(ds, n, "faiss-flat-ip", 0, "self", 0.2, 5000, 2.0, 1.0));
      r.add(row(ds, n, "lucene-hnsw", 0, "labels", 9.0, 1000, 0.2, 0.99));
      r.add(row(ds, n, "faiss-hnsw", 0, "labels", 4.0, 1000, 0.5, 0.98));
      r.add(row(ds, n, "random", 0, "labels", 0, n, 0.1, 0.002));
    }
    return r;
  }

  @Test
  void statesEachTargetAsMeasured() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("date", "today");
    String md = Report.markdown(settings(), rows(), new Orchestrator.RunInfo(facts, List.of("check ok"), List.of(), 12), List.of("a.png"));
    assertThat(md).contains("## Headline comparisons, as measured").doesNotContainIgnoringCase("issue");
    // 512 bits: exact 40 s, LSH mining 1 + 2 s: 13.3x; overlap 0.60 >= 0.54.
    assertThat(md).contains("LSH mining is 13.3x faster than NegHash's exact mining; overlap@128 0.600 against the "
        + "paper's 0.54 on SOP (at or above)");
    assertThat(md).contains("overlap@128 0.650 against the paper's 0.70 on SOP (below)");
    // The faster exact search on fashion-pixels is FAISS: 0.2 s build + 2 s x 60,000 / 5,000 anchors = 24.2 s,
    // against NegHash exact 40 s; LSH mining 3 s at b = 512, 5 s at b = 1024.
    assertThat(md).contains("### LSH mining vs the fastest exact search measured")
        .contains("| fashion-pixels | 512 | 3.00 | faiss-flat-ip | 24.20 (~) | 8.1x |")
        .contains("| fashion-pixels | 1024 | 5.00 | faiss-flat-ip | 24.20 (~) | 4.8x |");
    // FAISS / NegHash: 0.5 / 0.1 and 0.3 / 0.2: faster everywhere, smallest 1.5x.
    assertThat(md).contains("NegHash faster than FAISS at every b on every data set: **yes** (smallest ratio 1.5x)");
    assertThat(md).contains("| date | today |").contains("- check ok").contains("![a.png](a.png)");
    assertThat(md).contains("~"); // extrapolated rows are marked
  }

  @Test
  void comparesHnswWithLshAndTabulatesScaling() {
    String md = Report.markdown(settings(), rows(), new Orchestrator.RunInfo(Map.of(), List.of(), List.of(), 1), List.of());
    assertThat(md).contains("## Graph indexes (HNSW) against LSH").contains("### synthetic-100000 (N = 100,000");
    // fashion-pixels, N = 60,000: Lucene mining 9 + 0.2 x 60 = 21 s; LSH b=512 mining 1 + 2 = 3 s.
    assertThat(md).contains("- lucene-hnsw vs LSH b=512: mining LSH 7.0x faster (21.00 s vs 3.00 s); overlap@128 "
        + "HNSW higher (0.990 vs 0.600)");
    assertThat(md).contains("## Scaling: mining time against N (synthetic)")
        .contains("| N | LSH b=512 | LSH b=1024 | neghash-exact | faiss-flat-ip | lucene-hnsw | faiss-hnsw |")
        .contains("| 10,000 | 3.00 | 5.00 | 40.00 | ~4.20 | ~11.00 | ~9.00 |");
  }

  @Test
  void tabulatesEachKernelAgainstItsBound() {
    Map<String, Double> hb = new LinkedHashMap<>();
    hb.put("hammingBound", 90.0);
    hb.put("popcountPeak", 45.0);
    List<Orchestrator.KernelRatio> ks = List.of(
        new Orchestrator.KernelRatio("hamming", 256, "fashion", 60_000, 8192, 120.0, hb, 2.67, 2.5, 2.9),
        new Orchestrator.KernelRatio("cosine", 256, "fashion", 60_000, 4096, 1700.0, Map.of("fmaBoundCosine", 850.0),
            2.0, 1.9, 2.1),
        new Orchestrator.KernelRatio("project", 1024, "fashion", 60_000, 60_000, 400.0,
            Map.of("fmaBoundProject", 200.0), 2.0, 2.0, 2.1));
    String md = Report.markdown(settings(), rows(), new Orchestrator.RunInfo(Map.of(), List.of(), ks, 1), List.of());
    assertThat(md).contains("## Kernels against the machine's bounds")
        .contains("| Hamming search | 256 | fashion | 8,192 x 60,000 | 120.0 | hammingBound 90.0, popcountPeak 45.0 "
            + "| **2.67** (2.50-2.90) |")
        .contains("| exact cosine | 256 | fashion | 4,096 x 60,000 | 1700.0 | fmaBoundCosine 850.0 | **2.00** (1.90-2.10) |")
        .contains("| projection | 1024 | fashion | 60,000 rows | 400.0 | fmaBoundProject 200.0 | **2.00** (2.00-2.10) |");
    assertThat(Report.kernelCsv(ks).lines()).hasSize(4)
        .contains("hamming,256,fashion,60000,8192,120.0,hammingBound=90.0;popcountPeak=45.0,2.67,2.50,2.90");
    assertThat(Report.markdown(settings(), rows(), new Orchestrator.RunInfo(Map.of(), List.of(), List.of(), 1),
        List.of())).doesNotContain("Kernels against");
  }

  @Test
  void csvHasOneLinePerRow() {
    String csv = Report.csv(rows());
    assertThat(csv.lines()).hasSize(1 + rows().size());
    assertThat(csv.lines().skip(1)).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(21));
  }

  @Test
  void drawsThePlotsAsPngs() throws Exception {
    assumeTrue(fontsInstalled(), "no fonts installed (Debian: fontconfig fonts-dejavu-core); plots need text");
    List<String> files = Plots.write(settings(), rows());
    assertThat(files).containsExactly("scaling.png", "time_vs_bits.png", "quality_vs_bits.png", "memory.png");
    for (String f : files) {
      BufferedImage img = ImageIO.read(Files.newInputStream(out.resolve(f)));
      assertThat(img.getWidth()).isEqualTo(820);
      assertThat(img.getHeight()).isEqualTo(520);
    }
  }

  private static boolean fontsInstalled() {
    try {
      return java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
    } catch (RuntimeException | Error e) {
      return false;
    }
  }
}
