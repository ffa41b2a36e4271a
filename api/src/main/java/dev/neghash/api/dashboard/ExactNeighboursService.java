package dev.neghash.api.dashboard;

import dev.neghash.api.dataset.Dataset;
import dev.neghash.api.dataset.DatasetService;
import dev.neghash.api.dataset.SnapshotManifest;
import dev.neghash.api.job.JobParams;
import dev.neghash.api.job.JobService;
import dev.neghash.api.job.ResultFiles;
import dev.neghash.api.job.JobState;
import dev.neghash.api.job.JobView;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.search.Exclusions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Exact cosine neighbours of one anchor of a finished job, found by streaming the snapshot's kept
 * floats once (O(N d) work, memory for one chunk of rows).
 */
@Service
public class ExactNeighboursService {

  /** Most neighbours one call returns. */
  static final int MAX_COUNT = 128;

  private static final int CHUNK_ROWS = 2048;

  private final DatasetService datasets;
  private final JobService jobs;

  ExactNeighboursService(DatasetService datasets, JobService jobs) {
    this.datasets = datasets;
    this.jobs = jobs;
  }

  /**
   * The {@code count} nearest eligible items of result row {@code row} of a SUCCEEDED job.
   *
   * @throws ServiceException.NotFound for an unknown job or a row past the last, 409 when the job has not
   *     succeeded or its snapshot's floats are not available
   */
  public ExactNeighbours neighbours(String jobId, int row, int count) throws IOException {
    JobView v = jobs.get(jobId);
    if (v.state() != JobState.SUCCEEDED) {
      throw ServiceException.conflict("no-results", "job " + v.id() + " is " + v.state() + "; it has no anchors yet");
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidInputException("count must be between 1 and " + MAX_COUNT + ", got " + count);
    }
    int[] anchors = NpyFiles.readInt32(jobs.results(v.id()).resolve(ResultFiles.ANCHORS));
    if (row < 0 || row >= anchors.length) {
      throw ServiceException.notFound("row " + row + " is past the last row ("
          + (anchors.length - 1) + ") of job " + v.id());
    }
    Dataset d = datasets.require(v.datasetId());
    SnapshotManifest s = d.snapshot(v.snapshotId());
    if (s == null) {
      throw ServiceException.conflict("no-floats", "the job's snapshot has been deleted");
    }
    Path floats = datasets.floatsFile(d, s);
    if (!s.floatsKept() || !Files.isRegularFile(floats)) {
      throw ServiceException.conflict("no-floats", "exact neighbours need the floats: snapshot " + s.id()
          + " was uploaded without keepFloats=true");
    }
    JobParams p = v.params();
    int n = s.items();
    int dims = s.dims();
    int anchor = anchors[row];
    int[] labels = datasets.labels(d);
    int[] split = p.queries() ? datasets.split(d) : null;
    Exclusions rule = Exclusions.ofItems(n, labels, datasets.positives(d));

    float[] a = new float[dims];
    long[] ids = new long[count];
    double[] best = new double[count];
    int found = 0;
    int candidates = 0;
    try (FileChannel ch = FileChannel.open(floats, StandardOpenOption.READ)) {
      read(ch, (long) anchor * dims, 1, dims, a);
      double an = norm(a, 0, dims);
      float[] chunk = new float[CHUNK_ROWS * dims];
      for (int c0 = 0; c0 < n; c0 += CHUNK_ROWS) {
        int cn = Math.min(CHUNK_ROWS, n - c0);
        read(ch, (long) c0 * dims, cn, dims, chunk);
        for (int j = 0; j < cn; j++) {
          int c = c0 + j;
          if ((split != null && split[c] != 0) || !rule.admits(anchor, c)) {
            continue;
          }
          candidates++;
          double dot = 0;
          int o = j * dims;
          for (int i = 0; i < dims; i++) {
            dot += (double) a[i] * chunk[o + i];
          }
          double cn2 = norm(chunk, o, dims);
          double cos = an == 0 || cn2 == 0 ? 0 : dot / (an * cn2);
          // Keep the list sorted: higher cosine first; a later id never displaces an equal earlier one.
          if (found < count || cos > best[found - 1]) {
            int at = Math.min(found, count - 1);
            while (at > 0 && best[at - 1] < cos) {
              best[at] = best[at - 1];
              ids[at] = ids[at - 1];
              at--;
            }
            best[at] = cos;
            ids[at] = c;
            found = Math.min(count, found + 1);
          }
        }
      }
    }
    List<ExactNeighbours.Neighbour> out = new ArrayList<>(found);
    for (int i = 0; i < found; i++) {
      out.add(new ExactNeighbours.Neighbour((int) ids[i], best[i]));
    }
    return new ExactNeighbours(v.id(), row, anchor, candidates, out);
  }

  private static double norm(float[] x, int from, int dims) {
    double s = 0;
    for (int i = 0; i < dims; i++) {
      s += (double) x[from + i] * x[from + i];
    }
    return Math.sqrt(s);
  }

  private static void read(FileChannel ch, long firstFloat, int rows, int dims, float[] dst) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(rows * dims * 4).order(ByteOrder.LITTLE_ENDIAN);
    long pos = firstFloat * 4;
    while (bb.hasRemaining()) {
      if (ch.read(bb, pos + bb.position()) < 0) {
        throw new IOException("stored floats are truncated");
      }
    }
    FloatBuffer fb = bb.flip().asFloatBuffer();
    fb.get(dst, 0, rows * dims);
  }
}
