package dev.neghash.api;

import static dev.neghash.api.DatasetApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** One worker and no queue: a second job gets 429 with Retry-After; a running job can be cancelled. */
@WebMvcTest
@TestPropertySource(properties = {"neghash.jobs.concurrency=1", "neghash.jobs.queue-capacity=0", "neghash.jobs.retry-after=7s"})
class JobQueueTest extends ApiTestSupport {

  @Test
  void fullQueueIs429AndARunningJobCanBeCancelled() throws Exception {
    int n = 30_000;
    int d = 8;
    String ds = createDataset(d, 512);
    assertThat(upload(ds, MediaType.APPLICATION_OCTET_STREAM, rawF32(clustered(n, d, 50, 3)), "rows=" + n)).hasStatus(201);

    MvcTestResult first = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"k\":64}").exchange();
    assertThat(first).hasStatus(202);
    String job = json(first).get("id").asString();

    MvcTestResult second = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"k\":64}").exchange();
    assertProblem(second, 429, "queue-full", "the job queue is full");
    assertThat(second.getResponse().getHeader("Retry-After")).isEqualTo("7");

    long end = System.nanoTime() + 60_000_000_000L;
    while (jobs.get(job).state() == JobState.QUEUED && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(jobs.get(job).state()).isEqualTo(JobState.RUNNING);
    assertProblem(mvc.get().uri("/api/v1/jobs/" + job + "/negatives").exchange(), 409, "no-results", "results exist once it has SUCCEEDED");
    assertProblem(mvc.delete().uri("/api/v1/jobs/" + job).exchange(), 409, "job-unfinished", "cancel it before deleting it");
    assertProblem(mvc.delete().uri("/api/v1/datasets/" + ds).exchange(), 409, "in-use", "queued or running jobs");
    MvcTestResult cancel = mvc.post().uri("/api/v1/jobs/" + job + "/cancel").exchange();
    assertThat(cancel).hasStatus(202);
    assertThat(json(cancel).get("cancelRequested").asBoolean()).isTrue();

    JobView v = await(job);
    assertThat(v.state()).isEqualTo(JobState.CANCELLED);
    assertThat(v.error()).isEqualTo("cancelled by request");
    assertThat(store.root().resolve("jobs").resolve(job).resolve("result")).doesNotExist();
    assertThat(tmpEntries()).allMatch(p -> p.getFileName().toString().equals("spill"));

    // The worker is free again.
    MvcTestResult third = mvc.post().uri("/api/v1/datasets/" + ds + "/jobs").contentType(MediaType.APPLICATION_JSON)
        .content("{\"k\":4}").exchange();
    assertThat(third).hasStatus(202);
    String q = json(third).get("id").asString();
    assertThat(mvc.post().uri("/api/v1/jobs/" + q + "/cancel").exchange().getResponse().getStatus()).isIn(200, 202);
    assertThat(await(q).state()).isEqualTo(JobState.CANCELLED);
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds)).hasStatus(204);
  }
}
