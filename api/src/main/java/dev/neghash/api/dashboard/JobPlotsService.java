package dev.neghash.api.dashboard;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.job.JobParams;
import dev.neghash.api.job.JobResult;
import dev.neghash.api.job.JobService;
import dev.neghash.api.job.ResultFiles;
import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.io.NpyHeader;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.lsh.PackedCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Computes {@link JobPlots} from a finished job's stored result and its snapshot's stored codes.
 * A finished job's files never change, so each job's plots are computed once and kept (a few
 * kilobytes each, for the most recent {@value #CACHED} jobs).
 */
@Service
public class JobPlotsService {

  private static final Logger log = LoggerFactory.getLogger(JobPlotsService.class);

  /** Random pairs drawn per job: enough for a smooth histogram, a few milliseconds of reads. */
  static final int RANDOM_PAIRS = 20_000;

  /** Bins of the histogram at most. */
  static final int MAX_BINS = 48;

  private static final int CACHED = 64;

  private final JobService jobs;
  private final DatasetService datasets;
  private final Map<String, JobPlots> cache = new ConcurrentHashMap<>();

  JobPlotsService(JobService jobs, DatasetService datasets) {
    this.jobs = jobs;
    this.datasets = datasets;
  }

  /**
   * The plots of a SUCCEEDED job.
   *
   * @throws ServiceException.NotFound for an unknown job, 409 when it has not succeeded
   */
  public JobPlots plots(String jobId) throws IOException {
    JobView v = jobs.get(jobId);
    if (v.state() != JobState.SUCCEEDED) {
      throw ServiceException.conflict("no-results", "job " + v.id() + " is " + v.state() + "; its plots exist once it has SUCCEEDED");
    }
    JobPlots cached = cache.get(v.id());
    if (cached != null) {
      return cached;
    }
    JobPlots p = compute(v);
    if (cache.size() >= CACHED) {
      cache.clear();
    }
    cache.put(v.id(), p);
    return p;
  }

  private JobPlots compute(JobView v) throws IOException {
    Path result = jobs.results(v.id());
    long[] negCounts = new long[PackedCodes.MAX_BITS + 1];
    long negatives = countDistances(result.resolve(ResultFiles.HAMMING), negCounts);

    Dataset d = dataset(v.datasetId());
    int bits = d == null ? 0 : d.manifest().bits();
    JobParams p = v.params();
    long[] rndCounts = null;
    int drawn = 0;
    String kind = null;
    String note = null;
    int[] labels = null;
    int[] split = null;
    if (d == null) {
      note = "the job's dataset has been deleted";
    } else {
      labels = datasets.labels(d);
      split = p.queries() ? datasets.split(d) : null;
      SnapshotManifest s = d.snapshot(p.snapshotId());
      if (s == null) {
        note = "the job's snapshot has been deleted";
      } else {
        try {
          rndCounts = new long[PackedCodes.MAX_BITS + 1];
          drawn = randomPairs(datasets.codesFile(d, s), s.items(), s.bits(), labels, split, p.seed(), rndCounts);
          kind = (split != null ? "query-reference, " : "") + (labels != null ? "different-label" : "any");
          if (drawn == 0) {
            rndCounts = null;
            note = "no two items with different labels were found";
          }
        } catch (NoSuchFileException e) {
          rndCounts = null;
          note = "the job's snapshot has been deleted";
        }
      }
    }
    JobResult r = v.result();
    Double overlap = null;
    if (r != null && r.quality() != null && !p.queries()) {
      // Quality reports run in mode 'all' only, where the anchors are all N items.
      overlap = randomOverlap(r.quality().k(), r.anchors(), labels);
    }
    DistanceHistogram h = DistanceHistogram.of(bits, negCounts, rndCounts, MAX_BINS);
    return new JobPlots(v.id(), h, negatives, mean(negCounts), drawn, rndCounts == null ? null : mean(rndCounts),
        kind, note, overlap);
  }

  /** The job's dataset, or null when it has been deleted (a job's results outlive its dataset). */
  private Dataset dataset(String id) {
    try {
      return datasets.require(id);
    } catch (ServiceException.NotFound e) {
      return null;
    }
  }

  /** Adds every non-padding value of a stored int32 distance matrix to {@code counts}; returns how many. */
  static long countDistances(Path file, long[] counts) throws IOException {
    long total = 0;
    try (NpyFiles.Rows rows = new NpyFiles.Rows(file)) {
      int block = Math.max(1, (1 << 20) / Math.max(1, rows.cols()));
      for (long from = 0; from < rows.rows(); from += block) {
        int n = (int) Math.min(block, rows.rows() - from);
        IntBuffer ib = rows.read(from, n).asIntBuffer();
        while (ib.hasRemaining()) {
          int h = ib.get();
          if (h >= 0 && h < counts.length) {
            counts[h]++;
            total++;
          }
        }
      }
    }
    return total;
  }

  /**
   * Draws up to {@value #RANDOM_PAIRS} seeded random pairs from a stored codes file (uint8, N x
   * b/8) and adds their Hamming distances to {@code counts}. Pairs are two distinct items, a query
   * and a reference when {@code split} is given, and of different labels when {@code labels} is
   * given (what a random batch would offer as negatives). Returns the number drawn.
   */
  static int randomPairs(Path codes, int n, int bits, int[] labels, int[] split, long seed, long[] counts)
      throws IOException {
    int[] first = split == null ? null : DatasetService.splitSide(split, 1);
    int[] second = split == null ? null : DatasetService.splitSide(split, 0);
    if (n < 2 || (split != null && (first.length == 0 || second.length == 0))) {
      return 0;
    }
    Exclusions rule = Exclusions.labels(labels);
    SplittableRandom rng = new SplittableRandom(seed);
    int rowBytes = bits / 8;
    ByteBuffer a = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer b = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
    int drawn = 0;
    try (FileChannel ch = FileChannel.open(codes, StandardOpenOption.READ)) {
      // NpyHeader.read consumes exactly the header, so the channel then stands at the first code.
      NpyHeader header = NpyHeader.read(Channels.newInputStream(ch));
      if (header.shape().length != 2 || header.shape()[0] != n || header.shape()[1] != rowBytes) {
        throw new IOException("stored codes " + codes + " do not match their manifest");
      }
      long dataStart = ch.position();
      // Bounded tries: with one dominant label most draws are refused, and the plot can do with fewer.
      long tries = 20L * RANDOM_PAIRS;
      for (long t = 0; t < tries && drawn < RANDOM_PAIRS; t++) {
        int i = first == null ? rng.nextInt(n) : first[rng.nextInt(first.length)];
        int j = second == null ? rng.nextInt(n) : second[rng.nextInt(second.length)];
        if (!rule.admits(i, j)) {
          continue;
        }
        read(ch, dataStart + (long) i * rowBytes, a);
        read(ch, dataStart + (long) j * rowBytes, b);
        int h = 0;
        // Popcount of the XOR does not depend on the bit order within the code (see PackedCodes).
        for (int w = 0; w < rowBytes; w += 8) {
          h += Long.bitCount(a.getLong(w) ^ b.getLong(w));
        }
        counts[h]++;
        drawn++;
      }
    }
    if (drawn < RANDOM_PAIRS) {
      log.debug("drew {} of {} random pairs from {}", drawn, RANDOM_PAIRS, codes);
    }
    return drawn;
  }

  private static void read(FileChannel ch, long pos, ByteBuffer into) throws IOException {
    into.clear();
    while (into.hasRemaining()) {
      if (ch.read(into, pos + into.position()) < 0) {
        throw new IOException("stored codes are truncated");
      }
    }
  }

  /**
   * Mean over all anchors of min(1, k / E), E being the anchor's eligible candidates (every other
   * item, less those sharing its label): the overlap@k a uniformly random choice of k candidates
   * has, in expectation, with the exact top-k. Explicit positive pairs are not subtracted (they
   * are few); anchors with no eligible candidate are left out.
   */
  static Double randomOverlap(int k, int n, int[] labels) {
    if (n < 2) {
      return null;
    }
    if (labels == null) {
      return Math.min(1.0, (double) k / (n - 1));
    }
    Map<Integer, Integer> perLabel = new HashMap<>();
    for (int l : labels) {
      perLabel.merge(l, 1, Integer::sum);
    }
    double sum = 0;
    int counted = 0;
    for (int l : labels) {
      int eligible = n - perLabel.get(l);
      if (eligible > 0) {
        sum += Math.min(1.0, (double) k / eligible);
        counted++;
      }
    }
    return counted == 0 ? null : sum / counted;
  }

  private static Double mean(long[] counts) {
    long n = 0;
    double s = 0;
    for (int h = 0; h < counts.length; h++) {
      n += counts[h];
      s += (double) h * counts[h];
    }
    return n == 0 ? null : s / n;
  }
}
