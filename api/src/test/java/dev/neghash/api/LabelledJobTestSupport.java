package dev.neghash.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.engine.Progress;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * Job tests on a fresh dataset per test: {@code n} clustered items of dimension {@code d} with
 * labels {@code i % classes} stored (the rows are not uploaded: each test uploads them as it needs).
 */
abstract class LabelledJobTestSupport extends ApiTestSupport {

  private final int n;
  private final int d;
  private final int bits;
  private final int classes;

  /** The dataset's rows, n x d, seeded. */
  final float[] x;
  /** Its labels. */
  final int[] labels;
  /** The dataset's id. */
  String ds;

  LabelledJobTestSupport(int n, int d, int bits, int classes, long seed) {
    this.n = n;
    this.d = d;
    this.bits = bits;
    this.classes = classes;
    x = clustered(n, d, classes, seed);
    labels = cyclicLabels(n, classes);
  }

  @BeforeEach
  void dataset() {
    ds = datasetWithCyclicLabels(n, d, bits, classes);
  }

  /** The rows' codes as the service encodes them (default seed 42). */
  PackedCodes engineCodes() {
    return new Encoder(d, Encoder.Options.of(bits, 42)).encode(x, n).codes();
  }

  /** The engine's top-k lists of all items against all, labels excluded: what a job searches. */
  Neighbours engineNeighbours(int k) {
    PackedCodes codes = engineCodes();
    return HammingSearch.search(codes, codes, Exclusions.labels(labels), k, 2, KernelProviders.get(), Progress.NONE);
  }

  /** Posts a job request for the dataset. */
  MvcTestResult submit(String body) {
    return mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON).content(body)
        .exchange();
  }

  /** Launches a job, waits for it and checks that it succeeded; returns its id. */
  String run(String body) throws InterruptedException {
    MvcTestResult r = submit(body);
    assertThat(r).hasStatus(202);
    String id = json(r).get("id").asString();
    assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/jobs/" + id);
    JobView v = await(id);
    assertThat(v.state()).as(String.valueOf(v.error())).isEqualTo(JobState.SUCCEEDED);
    return id;
  }
}
