package dev.neghash.api.job;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.kernel.Exclusions;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchBuilder;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.HardPositives;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.NegativeMiner;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.Neighbours;
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
  private final int threads;

  JobRunner(DatasetService datasets, int threads) {
    this.datasets = datasets;
    this.threads = threads;
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

    // Anchor and candidate sets with their item ids.
    int[] anchorIds;
    int[] candIds;
    PackedCodes anchors;
    PackedCodes cands;
    Exclusions ex;
    if (p.queries()) {
      int[] split = datasets.split(d);
      anchorIds = select(split, 1);
      candIds = select(split, 0);
      anchors = gather(codes, anchorIds);
      cands = gather(codes, candIds);
      ex = new Exclusions(false, pick(labels, anchorIds), pick(labels, candIds), null, null);
    } else {
      anchorIds = identity(n);
      candIds = anchorIds;
      anchors = codes;
      cands = codes;
      ex = Exclusions.labels(labels);
    }
    if (pairs != null) {
      ex = withPairs(ex, pairs, n, anchorIds, candIds);
    }
    boolean quality = p.qualitySample() != null;
    double searchWeight = quality ? 0.6 : 0.9;

    job.phase("searching", 0.02, searchWeight, anchors.n());
    KernelProvider kernels = KernelProviders.get();
    long ts = System.nanoTime();
    Neighbours nb = HammingSearch.search(anchors, cands, ex, p.k(), threads, kernels, job);
    double searchSeconds = (System.nanoTime() - ts) / 1e9;

    JobResult.Quality q = null;
    if (quality) {
      job.phase("quality", 0.02 + searchWeight, 0.3, n);
      long tq = System.nanoTime();
      Path floats = datasets.floatsFile(d, s);
      try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ)) {
        StreamingQuality.Result r = StreamingQuality.evaluate(nb, StreamingQuality.file(ch, s.dims()), n, s.dims(), ex,
            p.qualitySample(), p.seed(), threads, kernels, job);
        q = new JobResult.Quality(r.sampled(), r.k(), r.overlap(), r.meanPositionalDistance(), (System.nanoTime() - tq) / 1e9);
      }
    }

    job.phase("mining", 0.92, 0.04, 1);
    MiningOptions mo = new MiningOptions(MiningOptions.Strategy.parse(p.strategy()), p.negatives(), p.rankMin(),
        p.rankMax(), p.maxCosine() == null ? Double.NaN : p.maxCosine(), p.seed());
    Negatives neg = NegativeMiner.mine(nb, mo);
    int[] negIds = neg.ids().clone();
    if (p.queries()) {
      for (int i = 0; i < negIds.length; i++) {
        negIds[i] = negIds[i] < 0 ? -1 : candIds[negIds[i]];
      }
    }
    int[] hard = null;
    if (p.hardPositives()) {
      HardPositives hp = HardPositives.find(anchors, ex.anchorLabels(), cands, ex.candidateLabels(), !p.queries(), threads);
      hard = hp.ids().clone();
      for (int i = 0; i < hard.length; i++) {
        hard[i] = hard[i] < 0 ? -1 : candIds[hard[i]];
      }
    }
    Batches batches = null;
    if (p.batchSize() != null) {
      batches = BatchBuilder.build(nb, labels, new BatchOptions(p.batchSize(),
          p.batchNeighbours() != null ? p.batchNeighbours() : p.batchSize() / 2, p.seed(), 8));
    }

    job.phase("writing", 0.96, 0.04, 1);
    int a = neg.n();
    int c = neg.count();
    NpyFiles.writeInt32Vector(out.resolve("anchors.npy"), anchorIds);
    Npy.writeInt32(out.resolve("negatives.npy"), negIds, a, c);
    Npy.writeInt32(out.resolve("hamming.npy"), neg.hamming(), a, c);
    Npy.writeFloat32(out.resolve("cosine.npy"), neg.estimatedCosine(), a, c);
    if (labels != null) {
      NpyFiles.writeInt32Vector(out.resolve("labels.npy"), labels);
    }
    if (hard != null) {
      NpyFiles.writeInt32Vector(out.resolve("hard_positives.npy"), hard);
    }
    if (batches != null) {
      Npy.writeInt32(out.resolve("batches.npy"), batches.flat(), batches.batches().size(), batches.batchSize());
    }
    job.checkCancelled();
    return new JobResult(a, cands.n(), c, neg.shortAnchors().length, labels != null, pairs != null, hard != null,
        batches == null ? null : batches.batches().size(), batches == null ? null : batches.leftOut(), q,
        searchSeconds, (System.nanoTime() - t0) / 1e9, a / Math.max(1e-9, searchSeconds));
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

  private static int[] pick(int[] values, int[] ids) {
    if (values == null) {
      return null;
    }
    int[] r = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      r[i] = values[ids[i]];
    }
    return r;
  }

  private static PackedCodes gather(PackedCodes codes, int[] ids) {
    int w = codes.wordsPerCode();
    long[] words = new long[ids.length * w];
    for (int i = 0; i < ids.length; i++) {
      System.arraycopy(codes.words(), ids[i] * w, words, i * w, w);
    }
    return new PackedCodes(words, ids.length, codes.bits());
  }

  /**
   * Adds the positive pairs, in both directions, in the anchor/candidate index spaces; pairs that
   * do not join an anchor to a candidate are irrelevant there and dropped.
   */
  private static Exclusions withPairs(Exclusions ex, int[] pairs, int n, int[] anchorIds, int[] candIds) {
    int[] aPos = positions(anchorIds, n);
    int[] cPos = positions(candIds, n);
    int p = pairs.length / 2;
    int[] pa = new int[2 * p];
    int[] pc = new int[2 * p];
    int m = 0;
    for (int i = 0; i < p; i++) {
      int x = pairs[2 * i];
      int y = pairs[2 * i + 1];
      if (aPos[x] >= 0 && cPos[y] >= 0) {
        pa[m] = aPos[x];
        pc[m++] = cPos[y];
      }
      if (aPos[y] >= 0 && cPos[x] >= 0) {
        pa[m] = aPos[y];
        pc[m++] = cPos[x];
      }
    }
    return ex.withPositivePairs(anchorIds.length, java.util.Arrays.copyOf(pa, m), java.util.Arrays.copyOf(pc, m));
  }

  private static int[] positions(int[] ids, int n) {
    int[] pos = new int[n];
    java.util.Arrays.fill(pos, -1);
    for (int i = 0; i < ids.length; i++) {
      pos[ids[i]] = i;
    }
    return pos;
  }
}
