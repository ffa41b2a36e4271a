package dev.neghash.api.job;

import java.util.Map;
import java.util.Set;

/**
 * The life of a job. {@link #allowedMoves} is the one table of legal moves; any other move is
 * refused (HTTP 409).
 *
 * <pre>
 * QUEUED  -> RUNNING | CANCELLED | FAILED   (FAILED: shut down or restarted before it started)
 * RUNNING -> SUCCEEDED | FAILED | CANCELLED
 * SUCCEEDED, FAILED, CANCELLED: final
 * </pre>
 */
public enum JobState {
  /** Accepted and waiting for a worker. */
  QUEUED,
  /** Being computed. */
  RUNNING,
  /** Finished; results can be downloaded. */
  SUCCEEDED,
  /** Stopped by an error, a shutdown or a restart; {@code error} says which. */
  FAILED,
  /** Stopped at the client's request. */
  CANCELLED;

  /** Every legal move; the map and its sets are unmodifiable. */
  private static final Map<JobState, Set<JobState>> ALLOWED = Map.of(
      QUEUED, Set.of(RUNNING, CANCELLED, FAILED),
      RUNNING, Set.of(SUCCEEDED, FAILED, CANCELLED),
      SUCCEEDED, Set.of(),
      FAILED, Set.of(),
      CANCELLED, Set.of());

  /** The legal moves out of this state (unmodifiable). */
  public Set<JobState> allowedMoves() {
    return ALLOWED.get(this);
  }

  /** Whether moving from this state to {@code next} is legal. */
  public boolean canMoveTo(JobState next) {
    return ALLOWED.get(this).contains(next);
  }

  /** Whether no move leaves this state. */
  public boolean isFinal() {
    return ALLOWED.get(this).isEmpty();
  }
}
