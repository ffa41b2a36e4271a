package dev.neghash.api.dataset;

import dev.neghash.api.dataset.DatasetService.Format;
import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.LimitedInputStream;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * A dataset's per-item side files, each stored once: labels (one integer per item), the
 * query/reference split (1 query, 0 reference) and explicit positive pairs (never each other's
 * negatives). Bodies are small ({@code max-small-bytes}) and read whole, as {@code .npy} or JSON.
 */
@Service
public class DatasetSideFiles {

  private static final Logger log = LoggerFactory.getLogger(DatasetSideFiles.class);

  private final NeghashProperties props;
  private final JsonMapper json;
  private final DatasetService datasets;

  DatasetSideFiles(NeghashProperties props, JsonMapper json, DatasetService datasets) {
    this.props = props;
    this.json = json;
    this.datasets = datasets;
  }

  /** Stores the labels (once): one integer per item. */
  public void putLabels(String id, Format f, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    int[] labels = readInts(f, body, length, 1, "labels");
    synchronized (d) {
      DatasetService.live(d);
      if (d.hasLabels()) {
        throw ServiceException.conflict("already-set", "dataset " + id + " already has labels; they cannot be replaced (create a new dataset)");
      }
      checkCount(d, labels.length, "label count");
      NpyFiles.writeInt32Vector(d.labelsFile(), labels);
      d.setLabels(labels.length);
    }
    log.info("dataset {}: {} labels stored", id, labels.length);
  }

  /** Stores the query/reference split (once): 1 marks a query item, 0 a reference item. */
  public void putSplit(String id, Format f, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    int[] split = readInts(f, body, length, 1, "split");
    for (int i = 0; i < split.length; i++) {
      if (split[i] != 0 && split[i] != 1) {
        throw new InvalidInputException("split entry " + i + " is " + split[i] + "; use 1 for a query item and 0 for a reference item");
      }
    }
    int q = countQueries(split);
    if (q == 0 || q == split.length) {
      throw new InvalidInputException("the split needs at least one query (1) and one reference (0) item");
    }
    synchronized (d) {
      DatasetService.live(d);
      if (d.hasSplit()) {
        throw ServiceException.conflict("already-set", "dataset " + id + " already has a split; it cannot be replaced");
      }
      checkCount(d, split.length, "split length");
      NpyFiles.writeInt32Vector(d.splitFile(), split);
      d.setSplit(split.length, q);
    }
  }

  /** Stores explicit positive pairs (once): item pairs that are never each other's negatives. */
  public void putPositives(String id, Format f, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    int[] pairs = readInts(f, body, length, 2, "positive pairs");
    synchronized (d) {
      DatasetService.live(d);
      if (d.positivePairs() >= 0) {
        throw ServiceException.conflict("already-set", "dataset " + id + " already has positive pairs; they cannot be replaced");
      }
      int n = d.items();
      if (n < 0) {
        throw ServiceException.conflict("size-unknown",
            "the number of items is not known yet: upload labels or a snapshot before positive pairs");
      }
      for (int i = 0; i < pairs.length; i++) {
        if (pairs[i] < 0 || pairs[i] >= n) {
          throw new InvalidInputException("positive pair " + i / 2 + " names item " + pairs[i] + ", outside 0.." + (n - 1));
        }
      }
      Npy.writeInt32(d.positivesFile(), pairs, pairs.length / 2, 2);
      d.setPositivePairs(pairs.length / 2);
    }
  }

  private int[] readInts(Format f, InputStream body, long length, int cols, String what) throws IOException {
    byte[] bytes = LimitedInputStream.of(body, length, props.uploads().maxSmallBytes().toBytes()).readAllBytes();
    return switch (f) {
      case NPY -> IntArrays.npy(bytes, cols, what);
      case JSON -> IntArrays.json(bytes, cols, json, what);
      case RAW -> throw ServiceException.unsupported(what + " are sent as application/x-npy or application/json");
    };
  }

  private static void checkCount(Dataset d, int count, String what) {
    int n = d.items();
    if (n >= 0 && count != n) {
      throw new InvalidInputException(what + " " + count + " differs from the dataset's number of items N = " + n);
    }
    if (count < 2) {
      throw new InvalidInputException("a dataset needs at least 2 items, got " + count);
    }
  }

  static int countQueries(int[] split) {
    int q = 0;
    for (int s : split) {
      q += s;
    }
    return q;
  }
}
