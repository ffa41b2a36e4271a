package dev.neghash.api.dashboard;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.job.JobResult;
import dev.neghash.api.job.JobService;
import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * A dataset's epochs compared ({@link DatasetHistory}) and the spread of its labels
 * ({@link LabelSummary}), from the stored snapshots, the jobs' results and their plots.
 */
@Service
public class HistoryService {

  private final DatasetService datasets;
  private final JobService jobs;
  private final JobPlotsService plots;
  /** Label summaries by dataset id: labels are stored once and never change. */
  private final Map<String, LabelSummary> labelSummaries = new ConcurrentHashMap<>();

  HistoryService(DatasetService datasets, JobService jobs, JobPlotsService plots) {
    this.datasets = datasets;
    this.jobs = jobs;
    this.plots = plots;
  }

  /**
   * Every snapshot of the dataset, oldest first, with the measures of its newest succeeded job.
   * Jobs on deleted snapshots have no epoch and are left out.
   */
  public DatasetHistory history(String datasetId) throws IOException {
    Dataset d = datasets.require(datasetId);
    // Newest first, as the service lists them: the first succeeded job of a snapshot is its newest.
    Map<String, List<JobView>> bySnapshot = new HashMap<>();
    for (JobView v : jobs.list(d.id(), JobState.SUCCEEDED)) {
      bySnapshot.computeIfAbsent(v.snapshotId(), s -> new ArrayList<>()).add(v);
    }
    List<DatasetHistory.Epoch> epochs = new ArrayList<>();
    for (SnapshotManifest s : d.snapshots()) {
      List<JobView> done = bySnapshot.getOrDefault(s.id(), List.of());
      DatasetHistory.EpochJob job = done.isEmpty() ? null : measures(done.getFirst());
      epochs.add(new DatasetHistory.Epoch(s.seq(), s.id(), s.createdAt(), s.items(), s.floatsKept(), done.size(), job));
    }
    return new DatasetHistory(d.id(), d.manifest().name(), d.manifest().bits(), epochs);
  }

  private DatasetHistory.EpochJob measures(JobView v) throws IOException {
    JobResult r = v.result();
    JobPlots p = plots.plots(v.id());
    JobResult.Quality q = r.quality();
    return new DatasetHistory.EpochJob(v.id(), v.finishedAt(), v.params().k(), v.params().negatives(),
        q == null ? null : q.overlap(), q == null ? null : q.meanPositionalDistance(), q == null ? null : q.sampled(),
        p.randomOverlap(), p.negativesMeanHamming(), p.randomMeanHamming(), p.randomPairsKind(), r.anchors(),
        r.shortAnchors(), r.searchSeconds(), q == null ? null : q.seconds(), r.totalSeconds(), r.anchorsPerSecond());
  }

  /** How the dataset's items spread over its labels (all null without labels). */
  public LabelSummary labels(String datasetId) throws IOException {
    Dataset d = datasets.require(datasetId);
    LabelSummary cached = labelSummaries.get(d.id());
    if (cached != null) {
      return cached;
    }
    int[] labels = datasets.labels(d);
    if (labels == null) {
      return new LabelSummary(d.id(), null, null, null, null);
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (int l : labels) {
      counts.merge(l, 1, Integer::sum);
    }
    int largest = 0;
    int smallest = Integer.MAX_VALUE;
    for (int c : counts.values()) {
      largest = Math.max(largest, c);
      smallest = Math.min(smallest, c);
    }
    LabelSummary s = new LabelSummary(d.id(), labels.length, counts.size(), largest, counts.isEmpty() ? 0 : smallest);
    labelSummaries.put(d.id(), s);
    return s;
  }
}
