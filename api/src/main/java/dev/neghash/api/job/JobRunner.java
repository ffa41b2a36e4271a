package dev.neghash.api.job;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Computes one job from stored codes: Hamming top-k (all items, or queries against references),
 * negatives, optional hard positives, batches and quality report; writes the result files into a
 * staging folder that the caller commits.
 *
 * <p>Result files (all little-endian .npy): {@code anchors.npy} int32 (A,) item id of each result
 * row; {@code negatives.npy} int32 (A, C) item ids, -1 padding; {@code hamming.npy} int32 (A, C);
 * {@code cosine.npy} float32 (A, C) estimated cosine; optional {@code labels.npy} (the dataset's
 * labels, for JSONL), {@code hard_positives.npy} int32 (A,), {@code batches.npy} int32 (B, S).
 */
final class JobRunner {

  private final DatasetService datasets;
  private final NegHash neghash;

  JobRunner(DatasetService datasets, int threads) {
    this.datasets = datasets;
    // Search, mining and quality settings only: the codes were encoded at upload.
    this.neghash = NegHash.builder().threads(threads).build();
  }

  /** Runs the job, writing its files into {@code out}. */
  JobResult run(Job job, Path out) throws IOException {
    long t0 = System.nanoTime();
    JobParams p = job.manifest().params();
    job.phase("loading", 0, 0.02, 1);
    Dataset d = datasets.require(job.manifest().datasetId());
    SnapshotManifest s = datasets.snapshot(d, p.snapshotId());
    PackedCodes codes = datasets.codes(d, s);
    int[] labels = datasets.labels(d);
    int[] pairs = datasets.positives(d);
    int n = codes.n();
    if (labels != null && labels.length != n) {
      throw new InvalidInputException("labels (" + labels.length + ") do not match the snapshot (" + n + " rows)");
    }

    // Anchors and candidates as item-id subsets (query/reference mode) or all items.
    SearchOptions search = SearchOptions.k(p.k()).labels(labels).positivePairs(pairs).progress(job);
    int[] anchorIds;
    if (p.queries()) {
      int[] split = datasets.split(d);
      anchorIds = select(split, 1);
      search = search.anchors(anchorIds).candidates(select(split, 0));
    } else {
      anchorIds = identity(n);
    }
    int candidates = search.candidates() == null ? n : search.candidates().length;
    boolean quality = p.qualitySample() != null;
    double searchWeight = quality ? 0.6 : 0.9;

    job.phase("searching", 0.02, searchWeight, anchorIds.length);
    long ts = System.nanoTime();
    Neighbours nb = neghash.search(codes, search);
    double searchSeconds = (System.nanoTime() - ts) / 1e9;

    JobResult.Quality q = null;
    if (quality) {
      job.phase("quality", 0.02 + searchWeight, 0.3, n);
      long tq = System.nanoTime();
      Path floats = datasets.floatsFile(d, s);
      try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ)) {
        QualityReport r = neghash.quality(nb, FloatRows.rawFile(ch, s.dims()), n, s.dims(), search,
            p.qualitySample(), p.seed());
        q = new JobResult.Quality(r.sampled(), r.k(), r.overlap(), r.meanPositionalDistance(), (System.nanoTime() - tq) / 1e9);
      }
    }

    job.phase("mining", 0.92, 0.04, 1);
    MiningOptions mo = new MiningOptions(MiningOptions.Strategy.parse(p.strategy()), p.negatives(), p.rankMin(),
        p.rankMax(), p.maxCosine() == null ? Double.NaN : p.maxCosine(), p.seed());
    Negatives neg = neghash.negatives(nb, mo);
    int[] hard = p.hardPositives() ? neghash.hardPositives(codes, search).ids() : null;
    Batches batches = null;
    if (p.batchSize() != null) {
      batches = neghash.batches(nb, labels, codes, BatchJobs.options(p.batchSize(), p.batchNeighbours(), p.seed(),
          p.itemsPerLabel(), p.randomShare(), p.batchRankFrom()));
    }
    JobResult.BatchHardness hardness = null;
    if (batches != null && s.floatsKept()) {
      hardness = BatchJobs.hardness(neghash, batches, labels, datasets.floatsFile(d, s), n, s.dims(), p.seed());
    }

    job.phase("writing", 0.96, 0.04, 1);
    int a = neg.n();
    int c = neg.count();
    NpyFiles.writeInt32Vector(out.resolve(ResultFiles.ANCHORS), anchorIds);
    Npy.writeInt32(out.resolve(ResultFiles.NEGATIVES), neg.ids(), a, c);
    Npy.writeInt32(out.resolve(ResultFiles.HAMMING), neg.hamming(), a, c);
    Npy.writeFloat32(out.resolve(ResultFiles.COSINE), neg.estimatedCosine(), a, c);
    if (labels != null) {
      NpyFiles.writeInt32Vector(out.resolve(ResultFiles.LABELS), labels);
    }
    if (hard != null) {
      NpyFiles.writeInt32Vector(out.resolve(ResultFiles.HARD_POSITIVES), hard);
    }
    if (batches != null) {
      Npy.writeInt32(out.resolve(ResultFiles.BATCHES), batches.flat(), batches.batches().size(), batches.batchSize());
    }
    job.checkCancelled();
    return new JobResult(a, candidates, c, neg.shortAnchors().length, labels != null, pairs != null, hard != null,
        batches == null ? null : batches.batches().size(), batches == null ? null : batches.leftOut(), q,
        searchSeconds, (System.nanoTime() - t0) / 1e9, a / Math.max(1e-9, searchSeconds), hardness);
  }

  private static int[] identity(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static int[] select(int[] split, int role) {
    int cnt = 0;
    for (int s : split) {
      if (s == role) {
        cnt++;
      }
    }
    int[] r = new int[cnt];
    int j = 0;
    for (int i = 0; i < split.length; i++) {
      if (split[i] == role) {
        r[j++] = i;
      }
    }
    return r;
  }

}
