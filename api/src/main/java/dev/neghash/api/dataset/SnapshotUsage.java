package dev.neghash.api.dataset;

/** Tells whether queued or running jobs still need a dataset's snapshots (they may not be deleted then). */
public interface SnapshotUsage {

  /** Whether an unfinished job uses {@code snapshotId} of {@code datasetId} (any snapshot when null). */
  boolean inUse(String datasetId, String snapshotId);
}
