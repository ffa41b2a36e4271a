package dev.neghash.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.dashboard.ExactNeighboursService;
import dev.neghash.api.dashboard.HistoryService;
import dev.neghash.api.dashboard.JobPlotsService;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.DatasetSideFiles;
import dev.neghash.api.dataset.SnapshotUploads;
import dev.neghash.api.dataset.PreviewsService;
import dev.neghash.api.job.JobEvents;
import dev.neghash.api.job.JobService;
import dev.neghash.api.job.JobView;
import dev.neghash.api.support.TestData;
import dev.neghash.api.security.SecurityConfig;
import dev.neghash.api.storage.DataStore;
import dev.neghash.engine.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shared set-up of the controller tests: the web slice with the real services on a fresh data
 * folder per test class, and helpers to build request bodies.
 */
@Import({DataStore.class, DatasetService.class, JobService.class, JobEvents.class, JobPlotsService.class,
    SecurityConfig.class, PreviewsService.class, dev.neghash.api.dataset.LabelNames.class, HistoryService.class, ExactNeighboursService.class,
    DatasetSideFiles.class, SnapshotUploads.class})
abstract class ApiTestSupport {

  static final Path DATA;

  static {
    try {
      DATA = Files.createTempDirectory("neghash-api-test-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> DataStore.deleteQuietly(DATA)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry r) {
    r.add("neghash.data-dir", () -> DATA.resolve(Long.toString(System.nanoTime())).toString());
    r.add("neghash.threads", () -> "2");
    // Jobs write their lists in blocks of 37 anchors, so every job test also checks that results
    // written block by block are those of the whole search.
    r.add("neghash.jobs.search-block", () -> "37");
  }

  static final MediaType NPY = MediaType.parseMediaType("application/x-npy");
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired MockMvcTester mvc;
  @Autowired JobService jobs;
  @Autowired DataStore store;

  static JsonNode json(MvcTestResult r) {
    try {
      return JSON.readTree(r.getResponse().getContentAsString());
    } catch (java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] body(MvcTestResult r) {
    return r.getResponse().getContentAsByteArray();
  }

  String createDataset(int dims, int bits) {
    MvcTestResult r = mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON)
        .content("{\"name\":\"t\",\"dims\":" + dims + ",\"bits\":" + bits + "}").exchange();
    assertThat(r).hasStatus(201);
    return json(r).get("id").asString();
  }

  MvcTestResult putJson(String path, String body) {
    return mvc.put().uri(path).contentType(MediaType.APPLICATION_JSON).content(body).exchange();
  }

  MvcTestResult upload(String ds, MediaType type, byte[] body, String query) {
    return mvc.post().uri("/api/v1/datasets/" + ds + "/snapshots" + (query == null ? "" : "?" + query))
        .contentType(type).content(body).exchange();
  }

  String uploadOk(String ds, float[] x, int n, int d, boolean keepFloats) {
    MvcTestResult r = upload(ds, NPY, npyF32(x, n, d, ByteOrder.LITTLE_ENDIAN), keepFloats ? "keepFloats=true" : null);
    assertThat(r).hasStatus(201);
    return json(r).get("id").asString();
  }

  JobView await(String jobId) throws InterruptedException {
    return TestData.awaitFinal(jobs, jobId);
  }

  /** Entries under the data folder's tmp/ (uploads in progress, spills): empty when idle. */
  List<Path> tmpEntries() throws IOException {
    try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
      return s.toList();
    }
  }

  static byte[] npyF32(float[] x, int n, int d, ByteOrder order) {
    ByteBuffer bb = ByteBuffer.allocate(x.length * 4).order(order);
    bb.asFloatBuffer().put(x);
    return Npy.bytes(order == ByteOrder.LITTLE_ENDIAN ? "<f4" : ">f4", new long[] {n, d}, bb.array());
  }

  static byte[] npyF64(float[] x, int n, int d) {
    ByteBuffer bb = ByteBuffer.allocate(x.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : x) {
      bb.putDouble(v);
    }
    return Npy.bytes("<f8", new long[] {n, d}, bb.array());
  }

  static byte[] npyF16BigEndian(float[] x, int n, int d) {
    ByteBuffer bb = ByteBuffer.allocate(x.length * 2).order(ByteOrder.BIG_ENDIAN);
    for (float v : x) {
      bb.putShort(Float.floatToFloat16(v));
    }
    return Npy.bytes(">f2", new long[] {n, d}, bb.array());
  }

  static byte[] rawF32(float[] x) {
    ByteBuffer bb = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(x);
    return bb.array();
  }

  static byte[] npyI64(long[] v) {
    ByteBuffer bb = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      bb.putLong(x);
    }
    return Npy.bytes("<i8", new long[] {v.length}, bb.array());
  }

  /** Seeded clustered data: {@code classes} centres plus noise, so labels and neighbours agree. */
  static float[] clustered(int n, int d, int classes, long seed) {
    return TestData.clustered(n, d, classes, 0.3f, new java.util.SplittableRandom(seed));
  }

  /** Labels {@code i % classes}, as {@link #labelsJson} sends them. */
  static int[] cyclicLabels(int n, int classes) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
    }
    return labels;
  }

  /** Creates a dataset and stores {@link #cyclicLabels} for it; returns its id. */
  String datasetWithCyclicLabels(int n, int dims, int bits, int classes) {
    String ds = createDataset(dims, bits);
    assertThat(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(n, classes))).hasStatus(201);
    return ds;
  }

  static String labelsJson(int n, int classes) {
    return TestData.labelsJson(n, classes);
  }

  static int[] ints(byte[] npy) throws IOException {
    return TestData.ints(npy);
  }
}
