package dev.neghash.api.dataset;

import dev.neghash.engine.NegHash;
import dev.neghash.engine.lsh.Encoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A dataset as the service holds it in memory: its manifest, folder, which of labels, split and
 * positive pairs are stored, and its snapshots by sequence number. Mutations happen under the
 * dataset's monitor.
 */
public final class Dataset {
  private final DatasetManifest manifest;
  private final Path dir;
  private final TreeMap<Integer, SnapshotManifest> snapshots = new TreeMap<>();
  private int labels = -1;
  private int split = -1;
  private int queries = -1;
  private int positivePairs = -1;
  private Encoder encoder;
  private boolean deleted;

  Dataset(DatasetManifest manifest, Path dir) {
    this.manifest = manifest;
    this.dir = dir;
  }

  /** The settings. */
  public DatasetManifest manifest() {
    return manifest;
  }

  /** The id. */
  public String id() {
    return manifest.id();
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** Path of the labels file (it may not exist). */
  public Path labelsFile() {
    return dir.resolve("labels.npy");
  }

  /** Path of the query/reference split file (1 = query, 0 = reference; it may not exist). */
  public Path splitFile() {
    return dir.resolve("split.npy");
  }

  /** Path of the positive pairs file (int32, P x 2; it may not exist). */
  public Path positivesFile() {
    return dir.resolve("positives.npy");
  }

  /** Folder of snapshot {@code id}. */
  public Path snapshotDir(String snapshotId) {
    return dir.resolve("snapshots").resolve(snapshotId);
  }

  /**
   * Number of items N: fixed by the first of labels, split or snapshot to arrive; -1 while none
   * has.
   */
  public synchronized int items() {
    if (labels >= 0) {
      return labels;
    }
    if (split >= 0) {
      return split;
    }
    return snapshots.isEmpty() ? -1 : snapshots.firstEntry().getValue().items();
  }

  /** Label count, -1 without labels. */
  public synchronized int labelCount() {
    return labels;
  }

  /** Whether labels are stored. */
  public synchronized boolean hasLabels() {
    return labels >= 0;
  }

  /** Whether a query/reference split is stored. */
  public synchronized boolean hasSplit() {
    return split >= 0;
  }

  /** Number of query items, -1 without a split. */
  public synchronized int queries() {
    return queries;
  }

  /** Number of positive pairs, -1 when none are stored. */
  public synchronized int positivePairs() {
    return positivePairs;
  }

  /** The snapshots, oldest first. */
  public synchronized List<SnapshotManifest> snapshots() {
    return new ArrayList<>(snapshots.values());
  }

  /** The newest snapshot, or null. */
  public synchronized SnapshotManifest latest() {
    return snapshots.isEmpty() ? null : snapshots.lastEntry().getValue();
  }

  /** The snapshot with this id, or null. */
  public synchronized SnapshotManifest snapshot(String id) {
    for (SnapshotManifest s : snapshots.values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }

  synchronized int nextSeq() {
    return snapshots.isEmpty() ? 1 : snapshots.lastKey() + 1;
  }

  synchronized void addSnapshot(SnapshotManifest s) {
    snapshots.put(s.seq(), s);
  }

  synchronized void removeSnapshot(SnapshotManifest s) {
    snapshots.remove(s.seq());
  }

  synchronized void setLabels(int n) {
    labels = n;
  }

  synchronized void setSplit(int n, int q) {
    split = n;
    queries = q;
  }

  synchronized void setPositivePairs(int p) {
    positivePairs = p;
  }

  synchronized boolean deleted() {
    return deleted;
  }

  synchronized void markDeleted() {
    deleted = true;
  }

  /**
   * The dataset's encoder, built once from the engine {@code settings} give (the projection of a
   * dataset never changes, so every snapshot reuses it).
   */
  synchronized Encoder encoder(java.util.function.Supplier<NegHash> settings) {
    if (encoder == null) {
      encoder = settings.get().encoder(manifest.dims());
    }
    return encoder;
  }
}
