package dev.neghash.api.job;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.search.SearchOptions;

/**
 * A job request checked against its dataset and completed with the defaults ({@link Defaults}):
 * everything a job could be refused for is found here, before it is queued.
 */
final class JobParameters {

  private JobParameters() {}

  /**
   * The parameters of {@code r} on dataset {@code d}.
   *
   * @throws ServiceException.NotFound for an unknown snapshot
   * @throws ServiceException.Invalid or {@link InvalidInputException} for parameters that do not
   *     fit the data
   */
  static JobParams resolve(DatasetService datasets, Dataset d, JobRequest r) throws java.io.IOException {
    SnapshotManifest s = datasets.snapshot(d, r.snapshotId() == null ? "latest" : r.snapshotId());
    String mode = r.mode() == null ? "all" : r.mode();
    boolean queries = mode.equals("queries");
    int n = s.items();
    int candidates;
    if (queries) {
      if (!d.hasSplit()) {
        throw ServiceException.invalid("invalid-request", "mode 'queries' needs the dataset's query/reference split (PUT .../split)");
      }
      candidates = n - d.queries();
    } else {
      candidates = n - 1;
    }
    int k = r.k() == null ? Math.min(Defaults.K, candidates) : r.k();
    if (k < 1 || k > candidates || k > SearchOptions.MAX_K) {
      throw new InvalidInputException("k must be between 1 and " + candidates + (queries ? " (the number of reference items)"
          : " (N - 1)") + ", got " + k);
    }
    int negatives = r.negatives() == null ? Math.min(Defaults.NEGATIVES, k) : r.negatives();
    if (negatives > k) {
      throw new InvalidInputException("negatives (" + negatives + ") must not exceed k (" + k + ")");
    }
    int rankMin = r.rankMin() == null ? 0 : r.rankMin();
    int rankMax = r.rankMax() == null ? k : r.rankMax();
    if (rankMin >= Math.min(rankMax, k)) {
      throw new InvalidInputException("the rank window [rankMin, rankMax) = [" + rankMin + ", " + rankMax
          + ") must hold at least one rank below k = " + k);
    }
    boolean hard = Boolean.TRUE.equals(r.hardPositives());
    if (hard && !d.hasLabels()) {
      throw ServiceException.invalid("invalid-request", "hardPositives needs the dataset's labels (PUT .../labels)");
    }
    if (r.batchSize() != null) {
      if (queries) {
        throw ServiceException.invalid("invalid-request", "batches are built in mode 'all' only");
      }
      if (r.batchSize() > n) {
        throw new InvalidInputException("batchSize (" + r.batchSize() + ") exceeds the number of items (" + n + ")");
      }
      BatchJobs.checkFeasible(r, datasets.labels(d), n, k);
    } else if (r.itemsPerLabel() != null || r.randomShare() != null || r.batchRankFrom() != null) {
      throw new InvalidInputException("itemsPerLabel, randomShare and batchRankFrom shape batches: set batchSize too");
    }
    if (r.qualitySample() != null) {
      if (!s.floatsKept()) {
        throw ServiceException.invalid("invalid-request", "a quality report needs the floats: upload the snapshot with keepFloats=true");
      }
      if (queries) {
        throw ServiceException.invalid("invalid-request", "the quality report is available in mode 'all' only");
      }
    }
    return new JobParams(s.id(), k, r.strategy() == null ? "top" : r.strategy(), negatives, rankMin, rankMax,
        r.maxCosine(), hard, r.batchSize(), r.batchNeighbours(), r.seed() == null ? Defaults.SEED : r.seed(), mode,
        r.qualitySample(), r.itemsPerLabel(), r.randomShare(), r.batchRankFrom());
  }
}
