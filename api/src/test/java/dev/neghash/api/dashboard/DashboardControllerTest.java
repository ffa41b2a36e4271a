package dev.neghash.api.dashboard;

import dev.neghash.api.support.TestData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.PreviewsService;
import dev.neghash.api.job.JobEvents;
import dev.neghash.api.job.JobService;
import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.api.storage.DataStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's plot data against the job's own result files, and its refusals. */
@WebMvcTest
@Import({DataStore.class, DatasetService.class, JobService.class, JobEvents.class, JobPlotsService.class,
    dev.neghash.api.security.SecurityConfig.class, PreviewsService.class, dev.neghash.api.dataset.LabelNames.class, HistoryService.class,
    ExactNeighboursService.class, dev.neghash.api.dataset.DatasetSideFiles.class,
    dev.neghash.api.dataset.SnapshotUploads.class})
class DashboardControllerTest {

  private static final int N = 400;
  private static final int D = 16;
  private static final int BITS = 128;
  private static final int CLASSES = 5;
  private static final MediaType NPY = MediaType.parseMediaType("application/x-npy");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void props(DynamicPropertyRegistry r) throws Exception {
    Tools.tempDataDir(r, "neghash-dashboard-test-");
    r.add("neghash.threads", () -> "2");
  }

  @Autowired MockMvcTester mvc;
  @Autowired JobService jobs;

  private static JsonNode json(MvcTestResult r) throws Exception {
    return JSON.readTree(r.getResponse().getContentAsString());
  }

  private String dataset(boolean labels) throws Exception {
    MvcTestResult r = mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON)
        .content("{\"name\":\"plots\",\"dims\":" + D + ",\"bits\":" + BITS + "}").exchange();
    assertThat(r).hasStatus(201);
    String ds = json(r).get("id").asString();
    if (labels) {
      assertThat(mvc.put().uri("/api/v1/datasets/" + ds + "/labels").contentType(MediaType.APPLICATION_JSON)
          .content(TestData.labelsJson(N, CLASSES))).hasStatus(201);
    }
    // Clustered rows: item i belongs to cluster i % CLASSES, like its label.
    float[] x = TestData.clustered(N, D, CLASSES, 0.4f, new SplittableRandom(5));
    assertThat(mvc.post().uri("/api/v1/datasets/" + ds + "/snapshots?keepFloats=true").contentType(NPY)
        .content(TestData.npyF32(x, N, D))).hasStatus(201);
    return ds;
  }

  private String run(String ds, String body) throws Exception {
    MvcTestResult r = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content(body).exchange();
    assertThat(r).hasStatus(202);
    String id = json(r).get("id").asString();
    JobView v = TestData.awaitFinal(jobs, id);
    assertThat(v.state()).as(String.valueOf(v.error())).isEqualTo(JobState.SUCCEEDED);
    return id;
  }

  private int[] hamming(String job) throws Exception {
    return TestData.ints(mvc.get().uri("/api/v1/jobs/" + job + "/negatives/hamming").exchange().getResponse()
        .getContentAsByteArray());
  }

  private static long sum(JsonNode array) {
    long s = 0;
    for (JsonNode x : array) {
      s += x.asLong();
    }
    return s;
  }

  @Test
  void plotsMatchTheJobsDistancesAndSeparateNegativesFromRandomPairs() throws Exception {
    String ds = dataset(true);
    // A cosine ceiling leaves some anchors short, so the result has padding to skip.
    String job = run(ds, "{\"k\":32,\"negatives\":6,\"qualitySample\":50,\"maxCosine\":0.3}");
    MvcTestResult r = mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots").exchange();
    assertThat(r).hasStatusOk().hasContentType(MediaType.APPLICATION_JSON);
    JsonNode p = json(r);

    int[] ham = hamming(job);
    long found = 0;
    double total = 0;
    for (int h : ham) {
      if (h >= 0) {
        found++;
        total += h;
      }
    }
    assertThat(found).isLessThan(ham.length);
    assertThat(p.get("negatives").asLong()).isEqualTo(found);
    assertThat(p.get("negativesMeanHamming").asDouble()).isCloseTo(total / found, within(1e-9));
    JsonNode h = p.get("histogram");
    assertThat(h.get("bits").asInt()).isEqualTo(BITS);
    assertThat(sum(h.get("negatives"))).isEqualTo(found);
    assertThat(sum(h.get("random"))).isEqualTo(JobPlotsService.RANDOM_PAIRS);
    assertThat(h.get("negatives").size()).isEqualTo(h.get("random").size()).isEqualTo(h.get("cosine").size())
        .isLessThanOrEqualTo(JobPlotsService.MAX_BINS);
    // The nearest and the farthest negative fall in the bins that count them.
    int start = h.get("start").asInt();
    int width = h.get("width").asInt();
    int min = java.util.Arrays.stream(ham).filter(x -> x >= 0).min().orElseThrow();
    int max = java.util.Arrays.stream(ham).max().orElseThrow();
    assertThat(min).isGreaterThanOrEqualTo(start);
    assertThat(h.get("negatives").get((min - start) / width).asLong()).isPositive();
    assertThat(h.get("negatives").get((max - start) / width).asLong()).isPositive();

    assertThat(p.get("randomPairs").asInt()).isEqualTo(JobPlotsService.RANDOM_PAIRS);
    assertThat(p.get("randomPairsKind").asString()).isEqualTo("different-label");
    assertThat(p.get("randomNote").isNull()).isTrue();
    // Hard negatives are the nearest other-label items: much closer than random other-label pairs.
    assertThat(p.get("negativesMeanHamming").asDouble()).isLessThan(p.get("randomMeanHamming").asDouble() - 10);
    // Five equal classes: every anchor has N - N/5 = 320 eligible candidates.
    assertThat(p.get("randomOverlap").asDouble()).isCloseTo(32.0 / 320, within(1e-12));
    // Asked again: the same answer.
    assertThat(json(mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots").exchange())).isEqualTo(p);
  }

  @Test
  void withoutLabelsOrQualityTheRandomPairsAreAnyPairs() throws Exception {
    String ds = dataset(false);
    String job = run(ds, "{\"k\":16,\"negatives\":4}");
    JsonNode p = json(mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots").exchange());
    assertThat(p.get("randomPairsKind").asString()).isEqualTo("any");
    assertThat(p.get("negatives").asLong()).isEqualTo(N * 4L);
    assertThat(p.get("randomOverlap").isNull()).isTrue();
  }

  @Test
  void deletedSnapshotOrDatasetLeavesTheNegatives() throws Exception {
    String ds = dataset(true);
    String sn = json(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/latest").exchange()).get("id").asString();
    String job = run(ds, "{\"k\":16,\"negatives\":4}");
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds + "/snapshots/" + sn)).hasStatus(204);
    JsonNode p = json(mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots").exchange());
    assertThat(p.get("negatives").asLong()).isEqualTo(N * 4L);
    assertThat(p.get("histogram").get("random").isNull()).isTrue();
    assertThat(p.get("randomPairs").asInt()).isZero();
    assertThat(p.get("randomNote").asString()).isEqualTo("the job's snapshot has been deleted");

    String ds2 = dataset(true);
    String job2 = run(ds2, "{\"k\":16,\"negatives\":4}");
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds2)).hasStatus(204);
    JsonNode p2 = json(mvc.get().uri("/api/v1/dashboard/jobs/" + job2 + "/plots").exchange());
    assertThat(p2.get("histogram").get("bits").asInt()).isZero();
    assertThat(p2.get("histogram").get("cosine").isNull()).isTrue();
    assertThat(p2.get("randomNote").asString()).isEqualTo("the job's dataset has been deleted");
    assertThat(p2.get("negatives").asLong()).isEqualTo(N * 4L);
  }

  @Test
  void unknownAndUnfinishedJobsAreProblems() throws Exception {
    MvcTestResult missing = mvc.get().uri("/api/v1/dashboard/jobs/job_aaaaaaaaaaaaaaaa/plots").exchange();
    assertThat(missing).hasStatus(404).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(json(missing).get("detail").asString()).isEqualTo("no job with id 'job_aaaaaaaaaaaaaaaa'");

    String ds = dataset(true);
    MvcTestResult r = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"k\":16}").exchange();
    String job = json(r).get("id").asString();
    jobs.cancel(job);
    JobView v = TestData.awaitFinal(jobs, job);
    if (v.state() == JobState.CANCELLED) {
      MvcTestResult conflict = mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots").exchange();
      assertThat(conflict).hasStatus(409).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
      JsonNode body = json(conflict);
      assertThat(body.get("type").asString()).isEqualTo("urn:neghash:problem:no-results");
      assertThat(body.get("detail").asString()).isEqualTo("job " + job + " is CANCELLED; its plots exist once it has SUCCEEDED");
    } else {
      // The job beat the cancel to its end (a fast machine): then its plots exist.
      assertThat(mvc.get().uri("/api/v1/dashboard/jobs/" + job + "/plots")).hasStatusOk();
    }
  }
}
