package dev.neghash.api;

import static dev.neghash.api.DatasetApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchBuilder;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.HardPositives;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.NegativeMiner;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.Progress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** Controller tests of jobs: launch, state, cancel, delete, and every result download. */
@WebMvcTest
class JobApiTest extends LabelledJobTestSupport {

  private static final int N = 400;
  private static final int D = 16;
  private static final int BITS = 128;
  private static final int CLASSES = 5;

  JobApiTest() {
    super(N, D, BITS, CLASSES, 11);
  }

  @Test
  void defaultsAreTheEnginesDefaults() throws Exception {
    MvcTestResult r = mvc.get().uri("/api/v1/defaults").exchange();
    assertThat(r).hasStatusOk();
    JsonNode d = json(r);
    assertThat(d.get("bits").asInt()).isEqualTo(dev.neghash.engine.Defaults.BITS);
    assertThat(d.get("seed").asLong()).isEqualTo(dev.neghash.engine.Defaults.SEED);
    assertThat(d.get("k").asInt()).isEqualTo(dev.neghash.engine.Defaults.K);
    assertThat(d.get("negatives").asInt()).isEqualTo(dev.neghash.engine.Defaults.NEGATIVES);
    assertThat(d.get("qualitySample").asInt()).isEqualTo(dev.neghash.engine.Defaults.QUALITY_SAMPLE);
  }

  @Test
  void negativesMatchTheEngineInEveryFormat() throws Exception {
    uploadOk(ds, x, N, D, false);
    String job = run("{\"k\":32,\"negatives\":6,\"strategy\":\"random\",\"rankMin\":2,\"rankMax\":20,\"seed\":7,\"hardPositives\":true}");

    PackedCodes codes = engineCodes();
    Neighbours nb = engineNeighbours(32);
    Negatives neg = NegativeMiner.mine(nb, new MiningOptions(MiningOptions.Strategy.RANDOM, 6, 2, 20, Double.NaN, 7));
    HardPositives hp = HardPositives.find(codes, labels, codes, labels, true, 2);

    MvcTestResult npy = mvc.get().uri("/api/v1/jobs/" + job + "/negatives").accept(NPY).exchange();
    assertThat(npy).hasStatusOk().hasContentType(NPY);
    assertThat(body(npy)).isEqualTo(Npy.bytes("<i4", new long[] {N, 6}, le(neg.ids())));
    assertThat(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?format=npy").exchange())).isEqualTo(body(npy));
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives/hamming").exchange()))).containsExactly(neg.hamming());
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/hard-positives").exchange()))).containsExactly(hp.ids());
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/anchors").exchange())))
        .containsExactly(java.util.stream.IntStream.range(0, N).toArray());
    assertThat(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives/cosine").exchange())).hasSize(128 + N * 6 * 4);

    JsonNode page = json(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?page=3&size=7").exchange());
    assertThat(page.get("totalAnchors").asInt()).isEqualTo(N);
    assertThat(page.get("totalPages").asInt()).isEqualTo((N + 6) / 7);
    JsonNode item = page.get("items").get(2);
    int a = 3 * 7 + 2;
    assertThat(item.get("anchor").asInt()).isEqualTo(a);
    assertThat(item.get("label").asInt()).isEqualTo(labels[a]);
    for (int i = 0; i < 6; i++) {
      assertThat(item.get("negatives").get(i).asInt()).isEqualTo(neg.ids()[a * 6 + i]);
      assertThat(item.get("hamming").get(i).asInt()).isEqualTo(neg.hamming()[a * 6 + i]);
      assertThat(item.get("negative_labels").get(i).asInt()).isEqualTo(labels[neg.ids()[a * 6 + i]]);
      assertThat((float) item.get("cosine").get(i).asDouble()).isEqualTo(neg.estimatedCosine()[a * 6 + i]);
    }
    assertThat(item.get("hard_positive").asInt()).isEqualTo(hp.ids()[a]);
    assertProblem(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?page=1000").exchange(), 404, "not-found", "past the last page");
    assertProblem(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?size=0").exchange(), 400, "invalid-request", "size");

    MvcTestResult jsonl = mvc.get().uri("/api/v1/jobs/" + job + "/negatives").accept(MediaType.parseMediaType("application/x-ndjson")).exchange();
    assertThat(jsonl).hasStatusOk();
    String[] lines = new String(body(jsonl), StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(N);
    // The JSON Lines record is the page's item written by the shared writer (cosines to five decimals).
    StringBuilder expectedLine = new StringBuilder();
    JSON.treeToValue(item, dev.neghash.api.job.NegativeRow.class).line().appendTo(expectedLine);
    assertThat(lines[a] + "\n").isEqualTo(expectedLine.toString());
    assertThat(JSON.readTree(lines[a]).get("cosine").get(0).asDouble())
        .isCloseTo(neg.estimatedCosine()[a * 6], org.assertj.core.data.Offset.offset(5e-6));
    assertThat(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?format=jsonl")).hasStatusOk();
    assertThat(mvc.get().uri("/api/v1/jobs/" + job + "/negatives?format=xml")).hasStatus(406);

    assertProblem(mvc.get().uri("/api/v1/jobs/" + job + "/batches").exchange(), 404, "not-found", "has no batches");
    String plain = run("{\"k\":8}");
    assertProblem(mvc.get().uri("/api/v1/jobs/" + plain + "/hard-positives").exchange(), 404, "not-found", "has no hard positives");
  }

  @Test
  void batchesAndQualityReport() throws Exception {
    uploadOk(ds, x, N, D, true);
    String job = run("{\"k\":24,\"batchSize\":4,\"qualitySample\":50,\"maxCosine\":0.95}");
    Neighbours nb = engineNeighbours(24);
    var batches = BatchBuilder.build(nb, labels, new BatchOptions(4, 2, 42, 8));
    assertThat(batches.batches()).hasSizeGreaterThan(50);
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/batches").accept(NPY).exchange()))).containsExactly(batches.flat());
    JsonNode bj = json(mvc.get().uri("/api/v1/jobs/" + job + "/batches").accept(MediaType.APPLICATION_JSON).exchange());
    assertThat(bj.get("batch_size").asInt()).isEqualTo(4);
    assertThat(bj.get("left_out").asInt()).isEqualTo(batches.leftOut());
    assertThat(bj.get("batches").size()).isEqualTo(batches.batches().size());
    assertThat(bj.get("batches").get(0).get(3).asInt()).isEqualTo(batches.batches().get(0)[3]);

    QualityReport q = QualityReport.evaluate(nb, ExactCosineSearch.normalized(x, N, D), N, D, Exclusions.labels(labels), 50, 42, 2,
        KernelProviders.get());
    JsonNode view = json(mvc.get().uri("/api/v1/jobs/" + job).exchange());
    JsonNode quality = view.get("result").get("quality");
    assertThat(quality.get("sampled").asInt()).isEqualTo(50);
    assertThat(quality.get("overlap").asDouble()).isEqualTo(q.overlap());
    assertThat(quality.get("meanPositionalDistance").asDouble()).isEqualTo(q.meanPositionalDistance());
    assertThat(view.get("result").get("batches").asInt()).isEqualTo(batches.batches().size());
    assertThat(view.get("progress").asDouble()).isEqualTo(1.0);
  }

  @Test
  void aJobWrittenBlockByBlockGivesTheWholeSearchsNegativesAndQuality() throws Exception {
    // The test service holds 37 anchors' lists at a time (ApiTestSupport), so this job's 400 rows
    // come in 11 blocks.
    uploadOk(ds, x, N, D, true);
    String job = run("{\"k\":24,\"negatives\":5,\"strategy\":\"random\",\"rankMax\":20,\"qualitySample\":50,"
        + "\"maxCosine\":0.2}");
    Neighbours nb = engineNeighbours(24);
    Negatives neg = NegativeMiner.mine(nb, new MiningOptions(MiningOptions.Strategy.RANDOM, 5, 0, 20, 0.2, 42));
    assertThat(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives").accept(NPY).exchange()))
        .isEqualTo(Npy.bytes("<i4", new long[] {N, 5}, le(neg.ids())));
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives/hamming").exchange()))).containsExactly(neg.hamming());
    QualityReport q = QualityReport.evaluate(nb, ExactCosineSearch.normalized(x, N, D), N, D, Exclusions.labels(labels), 50, 42, 2,
        KernelProviders.get());
    JsonNode result = json(mvc.get().uri("/api/v1/jobs/" + job).exchange()).get("result");
    assertThat(result.get("quality").get("overlap").asDouble()).isEqualTo(q.overlap());
    assertThat(result.get("quality").get("meanPositionalDistance").asDouble()).isEqualTo(q.meanPositionalDistance());
    assertThat(result.get("shortAnchors").asInt()).isEqualTo(neg.shortAnchors().length).isPositive();
  }

  @Test
  void queryReferenceModeWithPositivePairs() throws Exception {
    uploadOk(ds, x, N, D, false);
    int[] split = new int[N];
    StringBuilder sj = new StringBuilder("[");
    for (int i = 0; i < N; i++) {
      split[i] = i < 100 ? 1 : 0;
      sj.append(i > 0 ? "," : "").append(split[i]);
    }
    assertThat(putJson("/api/v1/datasets/" + ds + "/split", sj.append(']').toString())).hasStatus(201);
    assertThat(putJson("/api/v1/datasets/" + ds + "/positives", "[[0,101],[102,1]]")).hasStatus(201);
    String job = run("{\"k\":16,\"negatives\":4,\"mode\":\"queries\"}");

    PackedCodes codes = engineCodes();
    PackedCodes q = codes.slice(0, 100);
    PackedCodes r = codes.slice(100, N);
    int[] ql = Arrays.copyOfRange(labels, 0, 100);
    int[] rl = Arrays.copyOfRange(labels, 100, N);
    Exclusions ex = new Exclusions(false, ql, rl, null, null).withPositivePairs(100, new int[] {0, 1}, new int[] {1, 2});
    Neighbours nb = HammingSearch.search(q, r, ex, 16, 2, KernelProviders.get(), Progress.NONE);
    Negatives neg = NegativeMiner.mine(nb, MiningOptions.top(4));
    int[] expected = neg.ids().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = expected[i] < 0 ? -1 : expected[i] + 100;
    }
    int[] got = ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/negatives").accept(NPY).exchange()));
    assertThat(got).containsExactly(expected);
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/anchors").exchange())))
        .containsExactly(java.util.stream.IntStream.range(0, 100).toArray());
    assertThat(got).doesNotContain(0, 1, 99);
    JsonNode v = json(mvc.get().uri("/api/v1/jobs/" + job).exchange());
    assertThat(v.get("result").get("positivePairsUsed").asBoolean()).isTrue();
    assertThat(v.get("result").get("candidates").asInt()).isEqualTo(300);
  }

  @Test
  void parametersThatDoNotFitTheDataAreRefusedUpFront() throws Exception {
    assertProblem(submit("{\"k\":5}"), 404, "not-found", "has no snapshots");
    uploadOk(ds, x, N, D, false);
    assertProblem(submit("{\"k\":400}"), 400, "invalid-input", "k must be between 1 and 399 (N - 1), got 400");
    assertProblem(submit("{\"k\":0}"), 400, "invalid-request", "k must be greater than or equal to 1");
    assertProblem(submit("{\"k\":8,\"negatives\":9}"), 400, "invalid-input", "must not exceed k");
    assertProblem(submit("{\"k\":8,\"rankMin\":8}"), 400, "invalid-input", "rank window");
    assertProblem(submit("{\"strategy\":\"hardest\"}"), 400, "invalid-request", "strategy must be top or random");
    assertProblem(submit("{\"mode\":\"queries\"}"), 400, "invalid-request", "needs the dataset's query/reference split");
    assertProblem(submit("{\"qualitySample\":10}"), 400, "invalid-request", "keepFloats=true");
    assertProblem(submit("{\"batchSize\":1000}"), 400, "invalid-input", "exceeds the number of items");
    assertProblem(submit("{\"k\":\"many\"}"), 400, "malformed-json", "field 'k'");
    assertProblem(submit("{\"negative\":3}"), 400, "malformed-json", "unknown field 'negative'");
    assertProblem(submit("{\"snapshotId\":\"sn_aaaaaaaaaaaaaaaa\"}"), 404, "not-found", "no snapshot");
    assertProblem(mvc.post().uri("/api/v1/datasets/ds_aaaaaaaaaaaaaaaa/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{}").exchange(), 404, "not-found", "no dataset");
    String nolabels = createDataset(D, BITS);
    uploadOk(nolabels, x, N, D, false);
    assertProblem(mvc.post().uri("/api/v1/datasets/" + nolabels + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"hardPositives\":true}").exchange(), 400, "invalid-request", "needs the dataset's labels");
    assertThat(jobs.list(ds, null)).isEmpty();
  }

  @Test
  void stateMachineListAndDelete() throws Exception {
    String sn = uploadOk(ds, x, N, D, false);
    MvcTestResult none = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON).exchange();
    assertThat(none).hasStatus(202);
    String job = json(none).get("id").asString();
    JobView v = await(job);
    assertThat(v.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(v.params().k()).isEqualTo(128);
    assertThat(v.params().negatives()).isEqualTo(8);
    assertThat(v.params().snapshotId()).isEqualTo(sn);

    assertProblem(mvc.post().uri("/api/v1/jobs/" + job + "/cancel").exchange(), 409, "illegal-transition",
        "a SUCCEEDED job cannot move to CANCELLED");
    assertThat(mvc.get().uri("/api/v1/jobs?datasetId=" + ds + "&state=SUCCEEDED")).hasStatusOk()
        .bodyJson().extractingPath("$[*].id").asArray().containsExactly(job);
    assertThat(mvc.get().uri("/api/v1/jobs?state=FAILED")).hasStatusOk().bodyJson().extractingPath("$.length()").isEqualTo(0);
    assertThat(mvc.get().uri("/api/v1/jobs?state=DONE")).hasStatus(400);
    assertProblem(mvc.get().uri("/api/v1/jobs/job_aaaaaaaaaaaaaaaa").exchange(), 404, "not-found", "no job");
    assertProblem(mvc.get().uri("/api/v1/jobs/job_aaaaaaaaaaaaaaaa/negatives").accept(NPY).exchange(), 404, "not-found", "no job");
    assertProblem(mvc.post().uri("/api/v1/jobs/nonsense/cancel").exchange(), 404, "not-found", null);

    // The snapshot cannot go while... it is free again once the job is final.
    assertThat(mvc.delete().uri("/api/v1/jobs/" + job)).hasStatus(204);
    assertThat(mvc.get().uri("/api/v1/jobs/" + job)).hasStatus(404);
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds + "/snapshots/" + sn)).hasStatus(204);
  }

  @Test
  void eventStreamOfAFinishedJobSendsItsFinalStateAndEnds() throws Exception {
    uploadOk(ds, x, N, D, false);
    String job = run("{\"k\":8}");
    MvcTestResult r = mvc.get().uri("/api/v1/jobs/" + job + "/events").accept(MediaType.TEXT_EVENT_STREAM).exchange();
    assertThat(r).hasStatusOk();
    String text = r.getResponse().getContentAsString();
    assertThat(text).startsWith(":open\n").contains("\nid:").contains("event:job\n").contains("\"state\":\"SUCCEEDED\"");
    JsonNode data = JSON.readTree(text.lines().filter(l -> l.startsWith("data:")).findFirst().orElseThrow().substring(5));
    assertThat(data.get("id").asString()).isEqualTo(job);
    assertThat(data.get("progress").asDouble()).isEqualTo(1.0);
  }

  private static byte[] le(int[] v) {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(v);
    return bb.array();
  }
}
