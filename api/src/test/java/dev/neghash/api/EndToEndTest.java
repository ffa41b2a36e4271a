package dev.neghash.api;

import dev.neghash.cli.FashionMnist;
import dev.neghash.engine.io.IdxImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neghash.api.support.Http;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.NegativeMiner;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.Progress;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service over real HTTP on a random port: Fashion-MNIST pixel vectors and labels go
 * up, a job runs while its Server-Sent Events are read, and the downloaded .npy results equal what
 * the engine computes when called directly. Uses the first {@code neghash.e2e.limit} (default
 * 20,000) training images to keep the test short on two cores.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"neghash.uploads.max-concurrent=1", "neghash.threads=2"})
class EndToEndTest {

  private static final int BITS = 256;
  private static final int K = 32;
  private static final int NEG = 8;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) throws Exception {
    Path dir = Files.createTempDirectory("neghash-e2e-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> dev.neghash.api.storage.DataStore.deleteQuietly(dir)));
    r.add("neghash.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @org.springframework.beans.factory.annotation.Autowired dev.neghash.api.storage.DataStore store;

  @Test
  @Timeout(600)
  void fashionMnistThroughHttpEqualsTheEngine() throws Exception {
    assumeTrue(FashionMnist.available(), "Debian package dataset-fashion-mnist is not installed");
    int limit = Integer.getInteger("neghash.e2e.limit", 20_000);
    IdxImages data = FashionMnist.train().head(limit);
    int n = data.n();
    int d = FashionMnist.DIMS;
    Http h = new Http("http://127.0.0.1:" + port);

    String ds = h.postJson("/api/v1/datasets", Map.of("name", "fashion-mnist", "dims", d, "bits", BITS)).json().get("id").asString();
    ByteBuffer lb = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int y : data.labels()) {
      lb.putLong(y);
    }
    assertThat(h.send("PUT", "/api/v1/datasets/" + ds + "/labels", "application/x-npy",
        Npy.bytes("<i8", new long[] {n}, lb.array())).status()).isEqualTo(201);

    // With one upload slot taken by a client that stops sending, a second upload gets 429.
    try (Socket slow = new Socket("127.0.0.1", port)) {
      OutputStream out = slow.getOutputStream();
      out.write(("POST /api/v1/datasets/" + ds + "/snapshots?rows=" + n + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nContent-Length: " + (long) n * d * 4 + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[d * 4 * 10]);
      out.flush();
      awaitUploadInProgress();
      Http.Res busy = h.send("POST", "/api/v1/datasets/" + ds + "/snapshots", "application/x-npy", new byte[16]);
      assertThat(busy.status()).isEqualTo(429);
      assertThat(busy.raw().headers().firstValue("Retry-After")).isPresent();
      assertThat(busy.json().get("type").asString()).isEqualTo("urn:neghash:problem:too-many-uploads");
    }
    awaitNoUploadInProgress();

    ByteBuffer fb = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    fb.asFloatBuffer().put(data.images());
    Http.Res up = h.send("POST", "/api/v1/datasets/" + ds + "/snapshots", "application/x-npy",
        Npy.bytes("<f4", new long[] {n, d}, fb.array()));
    assertThat(up.status()).as(up.text()).isEqualTo(201);
    String sn = up.json().get("id").asString();
    assertThat(h.getJson("/api/v1/datasets/" + ds + "/snapshots").size()).as("the aborted upload left no snapshot").isEqualTo(1);

    // The all-jobs stream, opened before the job exists, must see it through to SUCCEEDED.
    java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    // Its own thread and client, so nothing else in this JVM can hold it up.
    java.util.concurrent.CompletableFuture<List<JsonNode>> all = new java.util.concurrent.CompletableFuture<>();
    Http listener = new Http(h.base());
    Thread.ofPlatform().daemon().name("all-jobs-events").start(() -> {
      try {
        all.complete(readEvents(listener, "/api/v1/jobs/events", open, v -> v.get("state").asString().equals("SUCCEEDED")));
      } catch (Throwable e) {
        all.completeExceptionally(e);
      }
    });
    assertThat(open.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the all-jobs stream opens at once").isTrue();
    Http.Res sub = h.postJson("/api/v1/datasets/" + ds + "/jobs", Map.of("k", K, "negatives", NEG));
    assertThat(sub.status()).isEqualTo(202);
    String job = sub.json().get("id").asString();
    assertThat(sub.raw().headers().firstValue("Location")).contains("/api/v1/jobs/" + job);
    List<JsonNode> events = readEvents(h, "/api/v1/jobs/" + job + "/events", new java.util.concurrent.CountDownLatch(1), v -> false);
    assertThat(events).isNotEmpty();
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(last.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(last.get("result").get("anchors").asInt()).isEqualTo(n);
    List<JsonNode> seen = all.get(2, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(seen).extracting(v -> v.get("id").asString()).contains(job);
    assertThat(seen.get(seen.size() - 1).get("state").asString()).isEqualTo("SUCCEEDED");

    // The engine, called directly on the same data.
    PackedCodes codes = new Encoder(d, Encoder.Options.of(BITS, 42).withThreads(2)).encode(data.images(), n).codes();
    Neighbours nb = HammingSearch.search(codes, codes, Exclusions.labels(data.labels()), K, 2, KernelProviders.get(), Progress.NONE);
    Negatives neg = NegativeMiner.mine(nb, MiningOptions.top(NEG));

    byte[] codesNpy = h.get("/api/v1/datasets/" + ds + "/snapshots/" + sn + "/codes", "application/x-npy").body();
    assertThat(codesNpy).isEqualTo(Npy.bytes("|u1", new long[] {n, BITS / 8}, codes.toBytes()));
    assertThat(ApiTestSupport.ints(h.get("/api/v1/jobs/" + job + "/negatives", "application/x-npy").body())).containsExactly(neg.ids());
    assertThat(ApiTestSupport.ints(h.get("/api/v1/jobs/" + job + "/negatives/hamming", "application/x-npy").body()))
        .containsExactly(neg.hamming());

    String[] lines = h.get("/api/v1/jobs/" + job + "/negatives", "application/x-ndjson").text().split("\n");
    assertThat(lines).hasSize(n);
    JsonNode line = JsonMapper.builder().build().readTree(lines[123]);
    assertThat(line.get("label").asInt()).isEqualTo(data.labels()[123]);
    for (int i = 0; i < NEG; i++) {
      int c = neg.ids()[123 * NEG + i];
      assertThat(line.get("negatives").get(i).asInt()).isEqualTo(c);
      assertThat(line.get("negative_labels").get(i).asInt()).isEqualTo(data.labels()[c]).isNotEqualTo(data.labels()[123]);
    }
    // The same line, to the byte, as the command line's JSON Lines writer gives for the engine's result.
    int[] ids = java.util.Arrays.copyOfRange(neg.ids(), 123 * NEG, 124 * NEG);
    int[] negLabels = java.util.Arrays.stream(ids).map(c -> data.labels()[c]).toArray();
    StringBuilder expected = new StringBuilder();
    new dev.neghash.engine.io.JsonResults.NegativesLine(123, data.labels()[123], ids, negLabels,
        java.util.Arrays.copyOfRange(neg.hamming(), 123 * NEG, 124 * NEG),
        java.util.Arrays.copyOfRange(neg.estimatedCosine(), 123 * NEG, 124 * NEG), null).appendTo(expected);
    assertThat(lines[123] + "\n").isEqualTo(expected.toString());
    String metrics = h.get("/actuator/prometheus", "text/plain").text();
    assertThat(metrics).contains("neghash_jobs{state=\"SUCCEEDED\"} 1.0").contains("neghash_storage_bytes")
        .contains("neghash_upload_bytes_total").contains("neghash_mining_anchors_total " + n + ".0");
  }

  /** Reads an event stream until it ends or {@code stop} accepts an event, checking the documented format. */
  private static List<JsonNode> readEvents(Http h, String path, java.util.concurrent.CountDownLatch open,
      java.util.function.Predicate<JsonNode> stop) throws Exception {
    HttpResponse<Stream<String>> r = h.client().send(HttpRequest.newBuilder(URI.create(h.base() + path))
        .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    open.countDown(); // the server registered the stream before it sent the headers
    List<JsonNode> out = new ArrayList<>();
    JsonMapper m = JsonMapper.builder().build();
    long lastId = 0;
    String event = null;
    Iterator<String> it = r.body().iterator();
    while (it.hasNext()) {
      String l = it.next();
      if (l.startsWith("id:")) {
        long id = Long.parseLong(l.substring(3).trim());
        assertThat(id).isGreaterThan(lastId);
        lastId = id;
      } else if (l.startsWith("event:")) {
        event = l.substring(6).trim();
      } else if (l.startsWith("data:")) {
        assertThat(event).isEqualTo("job");
        JsonNode v = m.readTree(l.substring(5));
        out.add(v);
        if (stop.test(v)) {
          r.body().close();
          break;
        }
      }
    }
    return out;
  }

  private void awaitUploadInProgress() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end && uploadsInProgress() == 0) {
      Thread.sleep(20);
    }
    assertThat(uploadsInProgress()).isEqualTo(1);
  }

  private void awaitNoUploadInProgress() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end && uploadsInProgress() > 0) {
      Thread.sleep(20);
    }
    assertThat(uploadsInProgress()).isZero();
  }

  private long uploadsInProgress() throws Exception {
    try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("upload-")).count();
    }
  }
}
