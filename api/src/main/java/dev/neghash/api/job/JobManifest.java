package dev.neghash.api.job;

import java.time.Instant;

/**
 * A job as stored in {@code job.json}, rewritten atomically on every state change.
 *
 * @param id server-generated id
 * @param datasetId the dataset
 * @param params the parameters, defaults filled in
 * @param state the state
 * @param createdAt when it was accepted
 * @param startedAt when it started running, or null
 * @param finishedAt when it reached a final state, or null
 * @param error why it failed or was cancelled, or null
 * @param result what it produced (SUCCEEDED only), or null
 */
public record JobManifest(
    String id, String datasetId, JobParams params, JobState state, Instant createdAt, Instant startedAt,
    Instant finishedAt, String error, JobResult result) {

  /** This manifest in another state. */
  JobManifest with(JobState s, Instant started, Instant finished, String err, JobResult res) {
    return new JobManifest(id, datasetId, params, s, createdAt, started, finished, err, res);
  }
}
