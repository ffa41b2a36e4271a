package dev.neghash.api.job;

import java.time.Instant;

/**
 * A job as the API and its event stream show it: the stored manifest plus live progress.
 *
 * @param id job id
 * @param datasetId dataset id
 * @param snapshotId snapshot mined
 * @param state the state
 * @param phase what it is doing: queued, loading, searching, quality, mining, writing, done
 * @param progress fraction done, 0 to 1
 * @param itemsPerSecond anchors per second in the current phase, or null before it has a rate
 * @param etaSeconds estimated seconds left, or null when unknown
 * @param cancelRequested whether a cancel is pending
 * @param params the parameters
 * @param createdAt accepted at
 * @param startedAt started at, or null
 * @param finishedAt finished at, or null
 * @param error why it failed or was cancelled, or null
 * @param result what it produced, or null
 */
public record JobView(
    String id, String datasetId, String snapshotId, JobState state, String phase, double progress,
    Double itemsPerSecond, Double etaSeconds, boolean cancelRequested, JobParams params,
    Instant createdAt, Instant startedAt, Instant finishedAt, String error, JobResult result) {}
