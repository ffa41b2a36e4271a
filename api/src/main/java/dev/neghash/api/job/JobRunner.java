package dev.neghash.api.job;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.NegHash;
import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyRowWriter;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.NeighbourSink;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Computes one job from stored codes: Hamming top-k (all items, or queries against references),
 * negatives, optional hard positives, batches and quality report; writes the result files into a
 * staging folder that the caller commits.
 *
 * <p>A job without batches never holds every anchor's list: the search hands its lists over in
 * blocks of {@code neghash.jobs.search-block} anchors, and each block's negatives are mined and
 * appended to the result files at once, so memory beyond the codes is O(block x k) whatever N is.
 * Batch jobs keep every list, since the batch walk visits anchors in a seeded random order.
 *
 * <p>Result files (all little-endian .npy): {@code anchors.npy} int32 (A,) item id of each result
 * row; {@code negatives.npy} int32 (A, C) item ids, -1 padding; {@code hamming.npy} int32 (A, C);
 * {@code cosine.npy} float32 (A, C) estimated cosine; optional {@code labels.npy} (the dataset's
 * labels, for JSONL), {@code hard_positives.npy} int32 (A,), {@code batches.npy} int32 (B, S).
 */
final class JobRunner {

  private final DatasetService datasets;
  private final NegHash neghash;
  private final int searchBlock;

  /**
   * @param searchBlock anchors whose lists are held at once when a job has no batches: negatives
   *     are then mined and written block by block
   */
  JobRunner(DatasetService datasets, int threads, int searchBlock) {
    this.datasets = datasets;
    // Search, mining and quality settings only: the codes were encoded at upload.
    this.neghash = NegHash.builder().threads(threads).build();
    this.searchBlock = searchBlock;
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
      anchorIds = DatasetService.splitSide(split, 1);
      search = search.anchors(anchorIds).candidates(DatasetService.splitSide(split, 0));
    } else {
      anchorIds = identity(n);
    }
    int candidates = search.candidates() == null ? n : search.candidates().length;
    boolean quality = p.qualitySample() != null;
    double searchWeight = quality ? 0.6 : 0.9;
    MiningOptions mo = new MiningOptions(MiningOptions.Strategy.parse(p.strategy()), p.negatives(), p.rankMin(),
        p.rankMax(), p.maxCosine() == null ? Double.NaN : p.maxCosine(), p.seed());

    // Negatives are mined and written as the search hands over each block of lists; only batch
    // jobs, whose walk needs every list, keep them all.
    job.phase("searching", 0.02, searchWeight, anchorIds.length);
    long ts = System.nanoTime();
    Neighbours all = null;
    int a = anchorIds.length;
    int c = p.negatives();
    int[] sampleRows = quality ? neghash.qualityRows(a, p.qualitySample(), p.seed()) : null;
    NegativesOut neg;
    try (NegativesOut w = new NegativesOut(out, a, c, mo, sampleRows, p.k(), codes.bits())) {
      if (p.batchSize() != null) {
        all = neghash.search(codes, search);
        w.accept(0, all);
      } else {
        neghash.search(codes, search, searchBlock, w);
      }
      w.commit();
      neg = w;
    }
    double searchSeconds = (System.nanoTime() - ts) / 1e9 - neg.seconds;

    JobResult.Quality q = null;
    if (quality) {
      job.phase("quality", 0.02 + searchWeight, 0.3, n);
      long tq = System.nanoTime();
      Path floats = datasets.floatsFile(d, s);
      try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ)) {
        QualityReport r = neghash.quality(neg.sampled(), sampleRows, FloatRows.rawFile(ch, s.dims()), n, s.dims(), search);
        q = new JobResult.Quality(r.sampled(), r.k(), r.overlap(), r.meanPositionalDistance(), (System.nanoTime() - tq) / 1e9);
      }
    }

    job.phase("mining", 0.92, 0.04, 1);
    int[] hard = p.hardPositives() ? neghash.hardPositives(codes, search).ids() : null;
    Batches batches = null;
    if (all != null) {
      batches = neghash.batches(all, labels, codes, BatchJobs.options(p.batchSize(), p.batchNeighbours(), p.seed(),
          p.itemsPerLabel(), p.randomShare(), p.batchRankFrom()));
    }
    JobResult.BatchHardness hardness = null;
    if (batches != null && s.floatsKept()) {
      hardness = BatchJobs.hardness(neghash, batches, labels, datasets.floatsFile(d, s), n, s.dims(), p.seed());
    }

    job.phase("writing", 0.96, 0.04, 1);
    NpyFiles.writeInt32Vector(out.resolve(ResultFiles.ANCHORS), anchorIds);
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
    return new JobResult(a, candidates, c, neg.shortAnchors, labels != null, pairs != null, hard != null,
        batches == null ? null : batches.batches().size(), batches == null ? null : batches.leftOut(), q,
        searchSeconds, (System.nanoTime() - t0) / 1e9, a / Math.max(1e-9, searchSeconds), hardness);
  }

  /**
   * Mines each block of lists the search hands over and appends its rows to the negatives,
   * Hamming and cosine files; keeps the lists of the rows a quality report samples.
   */
  private final class NegativesOut implements NeighbourSink, AutoCloseable {
    private final MiningOptions options;
    private final NpyRowWriter ids;
    private final NpyRowWriter hamming;
    private final NpyRowWriter cosine;
    private final int[] sampleRows;
    private final int k;
    private final int bits;
    private final int[] sampledIds;
    private final int[] sampledHamming;
    int shortAnchors;
    double seconds;

    NegativesOut(Path out, int anchors, int count, MiningOptions options, int[] sampleRows, int k, int bits)
        throws IOException {
      this.options = options;
      this.sampleRows = sampleRows;
      this.k = k;
      this.bits = bits;
      this.sampledIds = sampleRows == null ? null : new int[sampleRows.length * k];
      this.sampledHamming = sampleRows == null ? null : new int[sampleRows.length * k];
      this.ids = NpyRowWriter.int32(out.resolve(ResultFiles.NEGATIVES), anchors, count);
      this.hamming = NpyRowWriter.int32(out.resolve(ResultFiles.HAMMING), anchors, count);
      this.cosine = NpyRowWriter.float32(out.resolve(ResultFiles.COSINE), anchors, count);
    }

    @Override
    public void accept(int firstRow, Neighbours block) throws IOException {
      long t = System.nanoTime();
      Negatives neg = neghash.negatives(block, options, firstRow);
      ids.append(neg.ids());
      hamming.append(neg.hamming());
      cosine.append(neg.estimatedCosine());
      shortAnchors += neg.shortAnchors().length;
      if (sampleRows != null) {
        // The sampled rows this block holds, copied into their places in the sample.
        int end = lowerBound(sampleRows, firstRow + block.n());
        for (int i = lowerBound(sampleRows, firstRow); i < end; i++) {
          int from = (sampleRows[i] - firstRow) * k;
          System.arraycopy(block.ids(), from, sampledIds, i * k, k);
          System.arraycopy(block.hamming(), from, sampledHamming, i * k, k);
        }
      }
      seconds += (System.nanoTime() - t) / 1e9;
    }

    /** The lists of the sampled rows, in the order of {@code sampleRows}. */
    Neighbours sampled() {
      return new Neighbours(sampleRows.length, k, sampledIds, sampledHamming, null, bits);
    }

    void commit() throws IOException {
      ids.commit();
      hamming.commit();
      cosine.commit();
    }

    @Override
    public void close() throws IOException {
      try (ids; hamming; cosine) {
        // closing removes whatever was not committed
      }
    }
  }

  private static int lowerBound(int[] sorted, int key) {
    int i = Arrays.binarySearch(sorted, key);
    return i >= 0 ? i : -i - 1;
  }

  private static int[] identity(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

}
