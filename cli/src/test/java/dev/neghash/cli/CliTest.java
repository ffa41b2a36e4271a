package dev.neghash.cli;

import static dev.neghash.cli.CliRuns.readInts;
import static dev.neghash.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.cli.CliRuns.Run;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's outputs and error paths. */
class CliTest {

  @TempDir Path dir;
  private Path emb;
  private Path labels;
  private float[] x;
  private int[] y;
  private static final int N = 300;
  private static final int D = 12;

  @BeforeEach
  void data() throws Exception {
    Random r = new Random(1);
    x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    y = new int[N];
    for (int i = 0; i < N; i++) {
      y[i] = i % 6;
    }
    emb = dir.resolve("emb.npy");
    labels = dir.resolve("labels.npy");
    Npy.writeFloat32(emb, x, N, D);
    CliRuns.writeLabels(labels, y);
  }


  @Test
  void mineWritesTheEngineResultAndASummary() throws Exception {
    Run r = run("mine", "--embeddings", emb.toString(), "--labels", labels.toString(),
        "--bits", "128", "--k", "260", "--threads", "2", "--out", dir.resolve("res").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("N=300 d=12 bits=128 k=260 threads=2 kernels=\\w+ encode=[0-9.]+s search=[0-9.]+s");
    long[] shape = new long[2];
    int[] ids = readInts(dir.resolve("res.indices.npy"), shape);
    assertThat(shape).containsExactly(300, 260);
    int[] dist = readInts(dir.resolve("res.distances.npy"), shape);
    PackedCodes codes = new Encoder(D, Encoder.Options.of(128, 42)).encode(x, N).codes();
    Neighbours expected = HammingSearch.self(codes, y, 260, 1);
    assertThat(ids).containsExactly(expected.ids());
    assertThat(dist).containsExactly(expected.hamming());
    // 250 items of other labels: the last 10 slots are padding.
    assertThat(ids[259]).isEqualTo(-1);
    assertThat(ids[249]).isNotNegative();
  }

  @Test
  void queryReferenceModeSearchesTheReferences() throws Exception {
    float[] q = java.util.Arrays.copyOf(x, 40 * D);
    Path qf = dir.resolve("q.npy");
    Npy.writeFloat32(qf, q, 40, D);
    Run r = run("mine", "--embeddings", emb.toString(), "--queries", qf.toString(), "--bits", "64",
        "--k", "300", "--out", dir.resolve("qr").toString());
    assertThat(r.code()).as(r.err()).isZero();
    long[] shape = new long[2];
    int[] ids = readInts(dir.resolve("qr.indices.npy"), shape);
    assertThat(shape).containsExactly(40, 300);
    float[] both = new float[(40 + N) * D];
    System.arraycopy(q, 0, both, 0, q.length);
    System.arraycopy(x, 0, both, q.length, x.length);
    PackedCodes codes = new Encoder(D, Encoder.Options.of(64, 42)).encode(both, 40 + N).codes();
    Neighbours expected = HammingSearch.search(codes.slice(0, 40), codes.slice(40, 40 + N), Exclusions.none(),
        300, 1, dev.neghash.engine.kernel.KernelProviders.get(), dev.neghash.engine.Progress.NONE);
    assertThat(ids).containsExactly(expected.ids());
    // Query i is reference i: found at distance 0, not excluded.
    assertThat(readInts(dir.resolve("qr.distances.npy"), shape)[0]).isZero();
  }

  @Test
  void exactMineWritesFloatSimilarities() throws Exception {
    Run r = run("mine", "--embeddings", emb.toString(), "--k", "5", "--exact", "--out", dir.resolve("ex").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("bits=exact");
    int[] s = new int[2];
    float[] sims = Npy.readFloatMatrix(dir.resolve("ex.distances.npy"), s);
    assertThat(s).containsExactly(300, 5);
    assertThat(sims[0]).isGreaterThanOrEqualTo(sims[1]);
  }

  @Test
  void encodeWritesPackedBytes() throws Exception {
    Run r = run("encode", "--embeddings", emb.toString(), "--bits", "256", "--out", dir.resolve("codes.npy").toString());
    assertThat(r.code()).as(r.err()).isZero();
    try (InputStream in = Files.newInputStream(dir.resolve("codes.npy"))) {
      NpyHeader h = NpyHeader.read(in);
      assertThat(h.descr()).isEqualTo("|u1");
      assertThat(h.shape()).containsExactly(300, 32);
      PackedCodes codes = new Encoder(D, Encoder.Options.of(256, 42)).encode(x, N).codes();
      assertThat(in.readAllBytes()).containsExactly(codes.toBytes());
    }
  }

  @Test
  void negativesAndBatchesWriteTheirFiles() throws Exception {
    Run n = run("negatives", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "20",
        "--count", "4", "--strategy", "random", "--range-min", "2", "--range-max", "12", "--hard-positives",
        "--format", "jsonl", "--bits", "64", "--out", dir.resolve("n").toString());
    assertThat(n.code()).as(n.err()).isZero();
    var lines = Files.readAllLines(dir.resolve("n.negatives.jsonl"));
    assertThat(lines).hasSize(300);
    assertThat(lines.get(7)).startsWith("{\"anchor\":7,\"label\":1,\"negatives\":[").contains("\"hard_positive\":");
    Run b = run("batches", "--embeddings", emb.toString(), "--labels", labels.toString(), "--k", "20",
        "--batch-size", "6", "--bits", "64", "--out", dir.resolve("b").toString());
    assertThat(b.code()).as(b.err()).isZero();
    CliRuns.readBatches(dir.resolve("b.batches.npy"), 6, 40);
  }

  private void assertFailsCleanly(String expected, String... args) throws Exception {
    Run r = run(args);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("neghash: error: ").contains(expected);
    assertThat(r.err().lines().filter(l -> l.startsWith("neghash: error")).count()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .as("no output left behind").allMatch(f -> !f.startsWith("out"));
    }
  }

  @Test
  void badInputFailsWithOneLineAndExitCodeTwo() throws Exception {
    String out = dir.resolve("out").toString();
    // k >= N
    assertFailsCleanly("k must be between 1 and N-1 = 299", "mine", "--embeddings", emb.toString(), "--k", "300", "--out", out);
    // label count differs
    Path shortLabels = dir.resolve("short.npy");
    CliRuns.writeLabels(shortLabels, new int[10]);
    assertFailsCleanly("label count 10 differs from the number of embeddings 300",
        "mine", "--embeddings", emb.toString(), "--labels", shortLabels.toString(), "--k", "5", "--out", out);
    // NaN in a row
    float[] bad = x.clone();
    bad[123 * D + 4] = Float.NaN;
    Path nan = dir.resolve("nan.npy");
    Npy.writeFloat32(nan, bad, N, D);
    assertFailsCleanly("row 123 contains NaN", "mine", "--embeddings", nan.toString(), "--k", "5", "--out", out);
    assertFailsCleanly("row 123 contains NaN", "mine", "--exact", "--embeddings", nan.toString(), "--k", "5", "--out", out);
    // Fortran order and wrong rank
    byte[] data = new byte[N * D * 4];
    Path fortran = dir.resolve("f.npy");
    Files.write(fortran, fortranNpy(data));
    assertFailsCleanly("Fortran", "mine", "--embeddings", fortran.toString(), "--k", "5", "--out", out);
    Path flat = dir.resolve("flat.npy");
    Files.write(flat, Npy.bytes("<f4", new long[] {N * D}, data));
    assertFailsCleanly("2-D array", "encode", "--embeddings", flat.toString(), "--out", out);
    Path ints = dir.resolve("ints.npy");
    Files.write(ints, Npy.bytes("<i4", new long[] {N, D}, data));
    assertFailsCleanly("dtype '<i4'", "encode", "--embeddings", ints.toString(), "--out", out);
    // Bad settings and missing files
    assertFailsCleanly("multiple of 64", "mine", "--embeddings", emb.toString(), "--bits", "100", "--k", "5", "--out", out);
    assertFailsCleanly("no such file", "mine", "--embeddings", dir.resolve("missing.npy").toString(), "--k", "5", "--out", out);
    assertFailsCleanly("Missing required option", "mine", "--embeddings", emb.toString(), "--out", out);
  }

  private static byte[] fortranNpy(byte[] data) {
    byte[] ok = Npy.bytes("<f4", new long[] {N, D}, data);
    String s = new String(ok, java.nio.charset.StandardCharsets.ISO_8859_1);
    return s.replace("'fortran_order': False", "'fortran_order': True ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Test
  void exportFashionMnistWritesPreviewsAndClassNames() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(FashionMnist.available(),
        "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    Run r = run("export-fashion-mnist", "--out-dir", dir.toString(), "--limit", "50");
    assertThat(r.code()).as(r.err()).isZero();
    byte[] npy = java.nio.file.Files.readAllBytes(dir.resolve("previews.npy"));
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(npy);
    dev.neghash.engine.io.NpyHeader h = dev.neghash.engine.io.NpyHeader.read(in);
    assertThat(h.descr()).isEqualTo("|u1");
    assertThat(h.shape()).containsExactly(50, 28, 28);
    // The previews are the embeddings' pixels, as bytes.
    float[] pixels = Npy.readFloatMatrix(dir.resolve("embeddings.npy"), new int[2]);
    int start = npy.length - in.available();
    for (int i = 0; i < 50 * 784; i += 97) {
      assertThat((npy[start + i] & 0xFF) / 255f).isEqualTo(pixels[i]);
    }
    assertThat(java.nio.file.Files.readString(dir.resolve("label_names.json")))
        .startsWith("[\"T-shirt/top\", \"Trouser\"").contains("\"Ankle boot\"]");
  }
}
