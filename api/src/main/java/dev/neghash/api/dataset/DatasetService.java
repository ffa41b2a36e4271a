package dev.neghash.api.dataset;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.Ids;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.Defaults;
import dev.neghash.engine.io.NpyHeader;
import dev.neghash.engine.lsh.PackedCodes;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets and their snapshots: creation, lookup, deletion, and reading what they store (codes,
 * kept floats, labels, split, positive pairs). Writing is done beside it: {@link SnapshotUploads}
 * (an epoch's embeddings) and {@link DatasetSideFiles} (labels, split, positive pairs).
 */
@Service
public class DatasetService {

  private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

  /** Upload formats. */
  public enum Format {
    /** NumPy .npy. */
    NPY,
    /** Raw little-endian float32 with the shape in the request. */
    RAW,
    /** A JSON array of rows. */
    JSON
  }

  private final NeghashProperties props;
  private final DataStore store;
  private final JsonMapper json;
  private final ObjectProvider<SnapshotUsage> usage;
  private final Map<String, Dataset> datasets = new ConcurrentHashMap<>();

  DatasetService(NeghashProperties props, DataStore store, JsonMapper json,
      ObjectProvider<SnapshotUsage> usage, ObjectProvider<MeterRegistry> meters) {
    this.props = props;
    this.store = store;
    this.json = json;
    this.usage = usage;
    load();
  }

  private void load() {
    try {
      for (DataStore.Stored<DatasetManifest> stored : store.manifests(store.datasetsDir(), "dataset.json",
          DatasetManifest.class)) {
        DatasetManifest m = stored.manifest();
        Dataset d = new Dataset(m, stored.dir());
        if (Files.isRegularFile(d.labelsFile())) {
          d.setLabels((int) NpyFiles.header(d.labelsFile()).shape()[0]);
        }
        if (Files.isRegularFile(d.splitFile())) {
          int[] split = NpyFiles.readInt32(d.splitFile());
          d.setSplit(split.length, DatasetSideFiles.countQueries(split));
        }
        if (Files.isRegularFile(d.positivesFile())) {
          d.setPositivePairs((int) NpyFiles.header(d.positivesFile()).shape()[0]);
        }
        for (DataStore.Stored<SnapshotManifest> s : store.manifests(d.dir().resolve("snapshots"), "snapshot.json",
            SnapshotManifest.class)) {
          d.addSnapshot(s.manifest());
        }
        datasets.put(m.id(), d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the datasets in " + store.datasetsDir(), e);
    }
    log.info("{} datasets loaded", datasets.size());
  }

  // ------------------------------------------------------------------ datasets

  /** Creates a dataset; its folder appears whole, manifest included. */
  public Dataset create(CreateDatasetRequest r) throws IOException {
    int bits = r.bits() == null ? Defaults.BITS : r.bits();
    if (bits % 64 != 0) {
      throw ServiceException.invalid("invalid-request", "bits must be a multiple of 64 between 64 and 4096, got " + bits);
    }
    String id = Ids.next("ds");
    DatasetManifest m = new DatasetManifest(id, r.name() == null ? "" : r.name(), r.dims(), bits,
        r.seed() == null ? Defaults.SEED : r.seed(), r.center() == null ? Defaults.CENTER : r.center(),
        r.normalize() == null ? Defaults.NORMALIZE : r.normalize(),
        Instant.now());
    Path staging = store.newStaging("dataset-");
    try {
      store.writeJson(staging.resolve("dataset.json"), m);
      Files.createDirectories(staging.resolve("snapshots"));
      Path dir = store.datasetsDir().resolve(id);
      store.commit(staging, dir);
      Dataset d = new Dataset(m, dir);
      datasets.put(id, d);
      log.info("dataset {} created: d={} bits={} seed={} center={}", id, m.dims(), bits, m.seed(), m.center());
      return d;
    } catch (IOException | RuntimeException e) {
      DataStore.deleteQuietly(staging);
      throw e;
    }
  }

  /** All datasets, oldest first. */
  public List<Dataset> list() {
    List<Dataset> out = new ArrayList<>(datasets.values());
    out.sort(Comparator.comparing((Dataset d) -> d.manifest().createdAt()).thenComparing(Dataset::id));
    return out;
  }

  /** The dataset with this id. @throws ServiceException 404 when there is none */
  public Dataset require(String id) {
    Dataset d = Ids.wellFormed(id) ? datasets.get(id) : null;
    if (d == null) {
      throw ServiceException.notFound("dataset", id);
    }
    return d;
  }

  /** Deletes a dataset with its snapshots. @throws ServiceException 409 while jobs on it are unfinished */
  public void delete(String id) throws IOException {
    Dataset d = require(id);
    synchronized (d) {
      SnapshotUsage u = usage.getIfAvailable();
      if (u != null && u.inUse(id, null)) {
        throw ServiceException.conflict("in-use", "dataset " + id + " has queued or running jobs; cancel them first");
      }
      d.markDeleted();
      datasets.remove(id);
      store.delete(d.dir());
    }
    log.info("dataset {} deleted", id);
  }

  // ------------------------------------------------------------------ labels, split, positives

  /** The labels, or null when none are stored. */
  public int[] labels(Dataset d) throws IOException {
    return d.hasLabels() ? NpyFiles.readInt32(d.labelsFile()) : null;
  }

  /** The split (1 query, 0 reference), or null. */
  public int[] split(Dataset d) throws IOException {
    return d.hasSplit() ? NpyFiles.readInt32(d.splitFile()) : null;
  }

  /** The items of one side of a split ({@code role} 1: the queries, 0: the references), ascending. */
  public static int[] splitSide(int[] split, int role) {
    return java.util.stream.IntStream.range(0, split.length).filter(i -> split[i] == role).toArray();
  }

  /** Positive pairs flattened (a0, b0, a1, b1, ...), or null. */
  public int[] positives(Dataset d) throws IOException {
    return d.positivePairs() >= 0 ? NpyFiles.readInt32(d.positivesFile()) : null;
  }

  static void live(Dataset d) {
    if (d.deleted()) {
      throw ServiceException.notFound("dataset", d.id());
    }
  }

  /** The snapshot {@code sid} of dataset {@code d}; {@code latest} names the newest. */
  public SnapshotManifest snapshot(Dataset d, String sid) {
    SnapshotManifest s;
    if ("latest".equals(sid)) {
      s = d.latest();
      if (s == null) {
        throw ServiceException.notFound("dataset " + d.id() + " has no snapshots yet");
      }
      return s;
    }
    s = Ids.wellFormed(sid) ? d.snapshot(sid) : null;
    if (s == null) {
      throw ServiceException.notFound("snapshot", sid);
    }
    return s;
  }

  /** The stored codes file of a snapshot. */
  public Path codesFile(Dataset d, SnapshotManifest s) {
    return d.snapshotDir(s.id()).resolve("codes.npy");
  }

  /** The stored float rows of a snapshot (raw little-endian float32, N x d); exists only when kept. */
  public Path floatsFile(Dataset d, SnapshotManifest s) {
    return d.snapshotDir(s.id()).resolve("floats.f32");
  }

  /** Loads a snapshot's codes. */
  public PackedCodes codes(Dataset d, SnapshotManifest s) throws IOException {
    Path f = codesFile(d, s);
    NpyHeader h = NpyFiles.header(f);
    if (h.shape().length != 2 || h.shape()[0] != s.items() || h.shape()[1] != s.bits() / 8) {
      throw new IOException("stored codes " + f + " do not match their manifest");
    }
    return PackedCodes.fromBytes(NpyFiles.readData(f), s.items(), s.bits());
  }

  /** Deletes a snapshot. @throws ServiceException 409 while unfinished jobs use it */
  public void deleteSnapshot(String id, String sid) throws IOException {
    Dataset d = require(id);
    synchronized (d) {
      SnapshotManifest s = snapshot(d, sid);
      SnapshotUsage u = usage.getIfAvailable();
      if (u != null && u.inUse(id, s.id())) {
        throw ServiceException.conflict("in-use", "snapshot " + s.id() + " is used by queued or running jobs; cancel them first");
      }
      d.removeSnapshot(s);
      store.delete(d.snapshotDir(s.id()));
    }
  }

}
