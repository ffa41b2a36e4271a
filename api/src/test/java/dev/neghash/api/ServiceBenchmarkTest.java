package dev.neghash.api;

import dev.neghash.cli.FashionMnist;
import dev.neghash.engine.io.IdxImages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.support.Http;
import dev.neghash.api.support.Rows;
import dev.neghash.api.support.ServiceProcess;
import dev.neghash.engine.io.Npy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Service benchmarks, outside the default test run (minutes on two cores): run with
 * {@code ./mvnw -B -pl api -am test -Dtest=ServiceBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dneghash.bench=true}. Figures go to standard output and {@code api/target/service-bench.txt}.
 */
@EnabledIfSystemProperty(named = "neghash.bench", matches = "true")
class ServiceBenchmarkTest {

  @TempDir Path tmp;

  /**
   * 1,000,000 x 768 float32 (3.07 GB) streamed into a service limited to a 1 GiB heap, then a
   * mining job over it (b = 512, k = 128, labels) in the same service; the GC log gives the most
   * heap the service held after a collection.
   */
  @Test
  void millionBySevenSixtyEightUploadAndJobAtOneGigabyteHeap() throws Exception {
    long rows = Long.getLong("neghash.bench.rows", 1_000_000);
    int d = 768;
    Path gcLog = tmp.resolve("gc.log");
    try (ServiceProcess s = ServiceProcess.start(tmp.resolve("data"), tmp.resolve("big.log"),
        List.of("-Xmx1g", "-Xlog:gc:file=" + gcLog), List.of(), Duration.ofMinutes(3))) {
      Http h = new Http(s.base());
      String ds = h.postJson("/api/v1/datasets", Map.of("name", "big", "dims", d, "bits", 512)).json().get("id").asString();
      long t0 = System.nanoTime();
      Http.Res r = h.stream("/api/v1/datasets/" + ds + "/snapshots?rows=" + rows, "application/octet-stream",
          () -> new Rows(rows, d, 1, -1));
      double secs = (System.nanoTime() - t0) / 1e9;
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      assertThat(r.json().get("items").asLong()).isEqualTo(rows);
      double mb = rows * d * 4 / 1e6;
      report(String.format(Locale.ROOT,
          "upload %d x %d float32 (%.0f MB) raw over HTTP, b=512, service at -Xmx1g: %.1f s, %.1f MB/s accepted and encoded; "
              + "stored %d bytes (codes), server-side encode time %.1f s",
          rows, d, mb, secs, mb / secs, r.json().get("storedBytes").asLong(), r.json().get("encodeSeconds").asDouble()));
      report("server log: " + s.tail().lines().filter(l -> l.contains("stored: N=")).findFirst().orElse("?"));

      // Labels in 1,000 classes, then the job: every item against every other, top 128, 8 negatives.
      int n = Math.toIntExact(rows);
      ByteBuffer lb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
      java.util.SplittableRandom lr = new java.util.SplittableRandom(5);
      for (int i = 0; i < n; i++) {
        lb.putInt(lr.nextInt(1000));
      }
      assertThat(h.send("PUT", "/api/v1/datasets/" + ds + "/labels", "application/x-npy",
          Npy.bytes("<i4", new long[] {n}, lb.array())).status()).isEqualTo(201);
      long tj = System.nanoTime();
      String job = h.postJson("/api/v1/datasets/" + ds + "/jobs", Map.of("k", 128, "negatives", 8)).json().get("id").asString();
      JsonNode v = h.awaitJob(job, Duration.ofHours(3));
      double jobSecs = (System.nanoTime() - tj) / 1e9;
      assertThat(v.get("state").asString()).as(v.toString()).isEqualTo("SUCCEEDED");
      assertThat(v.get("result").get("anchors").asLong()).isEqualTo(rows);
      byte[] negatives = h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body();
      assertThat(negatives.length).isEqualTo(128 + n * 8L * 4);
      report(String.format(Locale.ROOT,
          "job over %d items, b=512, k=128, 8 negatives, labels in 1000 classes, service at -Xmx1g: SUCCEEDED in %.0f s "
              + "(search %.0f s, %.2e pairs/s); negatives %d bytes; most heap after a GC: %d MB",
          rows, jobSecs, v.get("result").get("searchSeconds").asDouble(),
          (double) rows * (rows - 1) / v.get("result").get("searchSeconds").asDouble(), negatives.length,
          maxHeapAfterGc(gcLog)));
    }
  }

  /** The largest heap occupancy after a collection in a unified-logging GC log ("...->123M(...)"), in MB. */
  private static long maxHeapAfterGc(Path gcLog) throws Exception {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("->(\\d+)M\\(");
    long max = -1;
    for (String line : Files.readAllLines(gcLog)) {
      java.util.regex.Matcher m = p.matcher(line);
      if (m.find()) {
        max = Math.max(max, Long.parseLong(m.group(1)));
      }
    }
    return max;
  }

  /** Fashion-MNIST end to end, HTTP (upload + job + download) against the CLI on the same files. */
  @Test
  void fashionMnistHttpVersusCli() throws Exception {
    IdxImages data = FashionMnist.train();
    int n = data.n();
    int d = FashionMnist.DIMS;
    Path emb = tmp.resolve("fashion.npy");
    Path lab = tmp.resolve("labels.npy");
    ByteBuffer fb = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    fb.asFloatBuffer().put(data.images());
    Files.write(emb, Npy.bytes("<f4", new long[] {n, d}, fb.array()));
    ByteBuffer lb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    lb.asIntBuffer().put(data.labels());
    Files.write(lab, Npy.bytes("<i4", new long[] {n}, lb.array()));
    int k = 32;
    int count = 8;
    int rounds = Integer.getInteger("neghash.bench.rounds", 3);

    List<Double> cli = new ArrayList<>();
    List<Double> http = new ArrayList<>();
    byte[] cliOut = null;
    byte[] httpOut = null;
    try (ServiceProcess s = ServiceProcess.start(tmp.resolve("data"), tmp.resolve("fm.log"), List.of("-Xmx4g"), List.of(),
        Duration.ofMinutes(3))) {
      Http h = new Http(s.base());
      for (int round = 0; round < rounds; round++) {
        // CLI: a fresh JVM, as a user runs it.
        Path prefix = tmp.resolve("cli" + round);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java(), "--add-modules=jdk.incubator.vector", "-Xmx4g", "-XX:+UseParallelGC", "-cp",
            System.getProperty("java.class.path"), "dev.neghash.cli.Main", "negatives", "--embeddings", emb.toString(),
            "--labels", lab.toString(), "--k", Integer.toString(k), "--count", Integer.toString(count), "--bits", "512",
            "--threads", "2", "--out", prefix.toString()).redirectErrorStream(true)
            .redirectOutput(tmp.resolve("cli.log").toFile()).start();
        assertThat(p.waitFor()).as(Files.readString(tmp.resolve("cli.log"))).isZero();
        cli.add((System.nanoTime() - t0) / 1e9);
        cliOut = Files.readAllBytes(Path.of(prefix + ".negatives.npy"));

        // HTTP: dataset, labels, upload, job, poll, download (the service is already running).
        long t1 = System.nanoTime();
        String ds = h.postJson("/api/v1/datasets", Map.of("dims", d, "bits", 512)).json().get("id").asString();
        assertThat(h.send("PUT", "/api/v1/datasets/" + ds + "/labels", "application/x-npy", Files.readAllBytes(lab)).status())
            .isEqualTo(201);
        HttpResponse<String> up = h.client().send(HttpRequest.newBuilder(URI.create(h.base() + "/api/v1/datasets/" + ds + "/snapshots"))
            .header("Content-Type", "application/x-npy").POST(HttpRequest.BodyPublishers.ofFile(emb)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String job = h.postJson("/api/v1/datasets/" + ds + "/jobs", Map.of("k", k, "negatives", count)).json().get("id").asString();
        JsonNode v = h.awaitJob(job, Duration.ofMinutes(10));
        assertThat(v.get("state").asString()).isEqualTo("SUCCEEDED");
        httpOut = h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body();
        http.add((System.nanoTime() - t1) / 1e9);
        report(String.format(Locale.ROOT, "round %d: cli %.2f s, http %.2f s (upload %.2f s server-side, job search %.2f s, job total %.2f s)",
            round, cli.get(round), http.get(round), JsonNodeHolder.upload(up.body()),
            v.get("result").get("searchSeconds").asDouble(), v.get("result").get("totalSeconds").asDouble()));
      }
    }
    assertThat(httpOut).isEqualTo(cliOut);
    double c = median(cli);
    double w = median(http);
    report(String.format(Locale.ROOT,
        "Fashion-MNIST %d x %d, b=512, k=%d, %d negatives, 2 threads: CLI median %.2f s, HTTP median %.2f s, ratio %.2f",
        n, d, k, count, c, w, w / c));
  }

  private static final class JsonNodeHolder {
    static double upload(String body) {
      return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).get("encodeSeconds").asDouble();
    }
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void report(String line) throws Exception {
    System.out.println("[bench] " + line);
    Path out = Path.of("target", "service-bench.txt");
    Files.writeString(out, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
