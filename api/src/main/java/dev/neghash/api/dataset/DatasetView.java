package dev.neghash.api.dataset;

import java.time.Instant;

/**
 * A dataset as the API shows it.
 *
 * @param id server-generated id
 * @param name free text
 * @param dims embedding dimension d
 * @param bits code length b
 * @param seed projection seed
 * @param center centring on
 * @param normalize L2 normalisation on
 * @param createdAt creation time
 * @param items number of items N, null until labels, a split or a snapshot fix it
 * @param labels whether labels are stored
 * @param queries query items of the split, null without a split
 * @param references reference items of the split, null without a split
 * @param positivePairs stored positive pairs, null when none
 * @param snapshots number of snapshots
 * @param latestSnapshotId the newest snapshot, null when none
 * @param bytesPerItem bytes of code per item (b / 8)
 */
public record DatasetView(
    String id, String name, int dims, int bits, long seed, boolean center, boolean normalize, Instant createdAt,
    Integer items, boolean labels, Integer queries, Integer references, Integer positivePairs,
    int snapshots, String latestSnapshotId, int bytesPerItem) {

  static DatasetView of(Dataset d) {
    DatasetManifest m = d.manifest();
    int n = d.items();
    int q = d.queries();
    SnapshotManifest latest = d.latest();
    return new DatasetView(m.id(), m.name(), m.dims(), m.bits(), m.seed(), m.center(), m.normalize(), m.createdAt(),
        n < 0 ? null : n, d.hasLabels(), q < 0 ? null : q, q < 0 ? null : d.items() - q,
        d.positivePairs() < 0 ? null : d.positivePairs(), d.snapshots().size(),
        latest == null ? null : latest.id(), m.bits() / 8);
  }
}
