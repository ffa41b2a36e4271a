package dev.neghash.api;

import static dev.neghash.api.DatasetApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchHardness;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Jobs with P x K batches: results as the engine builds them, their hardness, refused batch sizes.
 * Runs in a Spring context of its own: the test framework stops a cached context while another is in
 * use, and a stopped job service accepts no more jobs, so sharing the other job tests' context
 * would make their outcome depend on the order the classes run in.
 */
@WebMvcTest
@TestPropertySource(properties = "neghash.jobs.concurrency=2")
class BatchJobApiTest extends LabelledJobTestSupport {

  private static final int N = 600;
  private static final int D = 16;
  private static final int BITS = 128;
  private static final int CLASSES = 10;

  BatchJobApiTest() {
    super(N, D, BITS, CLASSES, 5);
  }

  @Test
  void perLabelBatchesMatchTheEngineAndReportTheirHardness() throws Exception {
    uploadOk(ds, x, N, D, true);
    String job = run("{\"k\":32,\"batchSize\":16,\"itemsPerLabel\":4,\"batchNeighbours\":8}");
    PackedCodes codes = engineCodes();
    NegHash neghash = NegHash.builder().threads(2).build();
    Neighbours nb = neghash.search(codes, SearchOptions.k(32).labels(labels));
    Batches expected = neghash.batches(nb, labels, codes, new BatchOptions(16, 8, 42, 1024, 4, 0));
    assertThat(expected.batches()).hasSizeGreaterThan(30);
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/batches").accept(NPY).exchange())))
        .containsExactly(expected.flat());
    BatchHardness h = neghash.batchHardness(expected, labels, x, D, 42);
    JsonNode result = json(mvc.get().uri("/api/v1/jobs/" + job).exchange()).get("result");
    assertThat(result.get("batches").asInt()).isEqualTo(expected.batches().size());
    JsonNode hardness = result.get("batchHardness");
    assertThat(hardness.get("mined").asDouble()).isCloseTo(h.mined(), within(1e-9));
    assertThat(hardness.get("random").asDouble()).isCloseTo(h.random(), within(1e-9));
    assertThat(hardness.get("mined").asDouble()).isGreaterThan(hardness.get("random").asDouble());

    String random = run("{\"k\":32,\"batchSize\":16,\"itemsPerLabel\":4,\"randomShare\":1}");
    JsonNode rh = json(mvc.get().uri("/api/v1/jobs/" + random).exchange()).get("result").get("batchHardness");
    assertThat(rh.get("mined").asDouble()).isLessThan(hardness.get("mined").asDouble());
  }

  @Test
  void batchRankFromIsTheEnginesRankWindow() throws Exception {
    uploadOk(ds, x, N, D, true);
    String job = run("{\"k\":32,\"batchSize\":16,\"itemsPerLabel\":4,\"batchNeighbours\":8,\"batchRankFrom\":12}");
    PackedCodes codes = engineCodes();
    NegHash neghash = NegHash.builder().threads(2).build();
    Neighbours nb = neghash.search(codes, SearchOptions.k(32).labels(labels));
    BatchOptions o = new BatchOptions(16, 8, 42, 1024, 4, 0);
    Batches expected = neghash.batches(nb, labels, codes, o.withRankFrom(12));
    assertThat(expected.flat()).isNotEqualTo(neghash.batches(nb, labels, codes, o).flat());
    assertThat(ints(body(mvc.get().uri("/api/v1/jobs/" + job + "/batches").accept(NPY).exchange())))
        .containsExactly(expected.flat());
    JsonNode view = json(mvc.get().uri("/api/v1/jobs/" + job).exchange());
    assertThat(view.get("params").get("batchRankFrom").asInt()).isEqualTo(12);
  }

  @Test
  void withoutKeptFloatsTheResultHasNoHardness() throws Exception {
    uploadOk(ds, x, N, D, false);
    String job = run("{\"k\":16,\"batchSize\":8}");
    JsonNode result = json(mvc.get().uri("/api/v1/jobs/" + job).exchange()).get("result");
    assertThat(result.get("batches").asInt()).isPositive();
    assertThat(result.get("batchHardness") == null || result.get("batchHardness").isNull()).isTrue();
  }

  @Test
  void batchSizesTheLabelsCannotMeetAreRefusedAtSubmission() throws Exception {
    uploadOk(ds, x, N, D, false);
    assertProblem(submit("{\"batchSize\":64}"), 400, "invalid-input", "batch size 64 needs at least 64 distinct labels"
        + " for batches without repeated labels; the labels have 10 — use itemsPerLabel (P x K batches)");
    assertProblem(submit("{\"batchSize\":64,\"itemsPerLabel\":4}"), 400, "invalid-input",
        "batch size 64 with itemsPerLabel 4 needs 16 labels with at least 4 items each; the labels have 10");
    assertProblem(submit("{\"batchSize\":10,\"itemsPerLabel\":4}"), 400, "invalid-input",
        "batch size 10 is not a multiple of itemsPerLabel 4");
    assertProblem(submit("{\"batchSize\":8,\"randomShare\":0.5}"), 400, "invalid-input",
        "randomShare needs itemsPerLabel");
    assertProblem(submit("{\"itemsPerLabel\":4}"), 400, "invalid-input", "set batchSize too");
    assertProblem(submit("{\"batchSize\":8,\"itemsPerLabel\":4,\"randomShare\":2}"), 400, "invalid-request",
        "randomShare");
    assertProblem(submit("{\"batchSize\":8,\"itemsPerLabel\":1}"), 400, "invalid-request", "itemsPerLabel");
    assertProblem(submit("{\"k\":16,\"batchSize\":8,\"batchRankFrom\":16}"), 400, "invalid-input",
        "batchRankFrom 16 must be below the neighbour list length k (16)");
    assertProblem(submit("{\"batchSize\":8,\"batchRankFrom\":-1}"), 400, "invalid-request", "batchRankFrom");
    assertProblem(submit("{\"batchRankFrom\":4}"), 400, "invalid-input", "set batchSize too");
    String nolabels = createDataset(D, BITS);
    uploadOk(nolabels, x, N, D, false);
    assertProblem(mvc.post().uri("/api/v1/datasets/" + nolabels + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"batchSize\":8,\"itemsPerLabel\":4}").exchange(), 400, "invalid-input", "needs labels");
    assertThat(jobs.list(ds, null)).isEmpty();
    assertThat(jobs.list(nolabels, null)).isEmpty();
  }
}
