package dev.neghash.api.dataset;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.Ids;
import dev.neghash.api.storage.LimitedInputStream;
import dev.neghash.api.storage.NpyFiles;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.Progress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets, their labels, split and positive pairs, and their snapshots: uploads are streamed
 * through the dataset's {@link Encoder} and only the packed codes are stored (plus the floats when
 * the client asks to keep them for quality reports).
 */
@Service
public class DatasetService {

  private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

  /** Floats per read chunk (16 MiB): large enough to keep every core busy, small next to the heap. */
  private static final int CHUNK_FLOATS = 4 << 20;

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
  private final Semaphore uploads;
  private final Counter uploadBytes;
  private final Counter uploadRows;

  DatasetService(NeghashProperties props, DataStore store, JsonMapper json,
      ObjectProvider<SnapshotUsage> usage, ObjectProvider<MeterRegistry> meters) {
    this.props = props;
    this.store = store;
    this.json = json;
    this.usage = usage;
    this.uploads = new Semaphore(props.uploads().maxConcurrent());
    MeterRegistry reg = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.uploadBytes = Counter.builder("neghash.upload.bytes").baseUnit("bytes")
        .description("Embedding bytes accepted and encoded").register(reg);
    this.uploadRows = Counter.builder("neghash.upload.rows")
        .description("Embedding rows accepted and encoded").register(reg);
    Gauge.builder("neghash.uploads.active", uploads, s -> props.uploads().maxConcurrent() - s.availablePermits())
        .description("Uploads being encoded now").register(reg);
    load();
  }

  private void load() {
    try {
      for (Path dir : store.idFolders(store.datasetsDir())) {
        Path mf = dir.resolve("dataset.json");
        if (!Files.isRegularFile(mf)) {
          log.warn("ignoring {}: no dataset.json", dir);
          continue;
        }
        DatasetManifest m = store.readJson(mf, DatasetManifest.class);
        Dataset d = new Dataset(m, dir);
        if (Files.isRegularFile(d.labelsFile())) {
          d.setLabels((int) NpyFiles.header(d.labelsFile()).shape()[0]);
        }
        if (Files.isRegularFile(d.splitFile())) {
          int[] split = NpyFiles.readInt32(d.splitFile());
          d.setSplit(split.length, countQueries(split));
        }
        if (Files.isRegularFile(d.positivesFile())) {
          d.setPositivePairs((int) NpyFiles.header(d.positivesFile()).shape()[0]);
        }
        for (Path sdir : store.idFolders(dir.resolve("snapshots"))) {
          Path smf = sdir.resolve("snapshot.json");
          if (Files.isRegularFile(smf)) {
            d.addSnapshot(store.readJson(smf, SnapshotManifest.class));
          } else {
            log.warn("ignoring {}: no snapshot.json", sdir);
          }
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
    int bits = r.bits() == null ? 512 : r.bits();
    if (bits % 64 != 0) {
      throw ServiceException.invalid("invalid-request", "bits must be a multiple of 64 between 64 and 4096, got " + bits);
    }
    String id = Ids.next("ds");
    DatasetManifest m = new DatasetManifest(id, r.name() == null ? "" : r.name(), r.dims(), bits,
        r.seed() == null ? 42 : r.seed(), r.center() == null || r.center(), r.normalize() == null || r.normalize(),
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

  /** Stores the labels (once): one integer per item. */
  public void putLabels(String id, Format f, InputStream body, long length) throws IOException {
    Dataset d = require(id);
    int[] labels = readInts(f, body, length, 1, "labels");
    synchronized (d) {
      live(d);
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
    Dataset d = require(id);
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
      live(d);
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
    Dataset d = require(id);
    int[] pairs = readInts(f, body, length, 2, "positive pairs");
    synchronized (d) {
      live(d);
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

  /** The labels, or null when none are stored. */
  public int[] labels(Dataset d) throws IOException {
    return d.hasLabels() ? NpyFiles.readInt32(d.labelsFile()) : null;
  }

  /** The split (1 query, 0 reference), or null. */
  public int[] split(Dataset d) throws IOException {
    return d.hasSplit() ? NpyFiles.readInt32(d.splitFile()) : null;
  }

  /** Positive pairs flattened (a0, b0, a1, b1, ...), or null. */
  public int[] positives(Dataset d) throws IOException {
    return d.positivePairs() >= 0 ? NpyFiles.readInt32(d.positivesFile()) : null;
  }

  private int[] readInts(Format f, InputStream body, long length, int cols, String what) throws IOException {
    long limit = props.uploads().maxSmallBytes().toBytes();
    if (length > limit) {
      throw LimitedInputStream.tooLarge(limit);
    }
    byte[] bytes = new LimitedInputStream(body, limit).readAllBytes();
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

  private static void live(Dataset d) {
    if (d.deleted()) {
      throw ServiceException.notFound("dataset", d.id());
    }
  }

  private static int countQueries(int[] split) {
    int q = 0;
    for (int s : split) {
      q += s;
    }
    return q;
  }

  // ------------------------------------------------------------------ snapshots

  /**
   * Streams one epoch's embeddings into a new snapshot: reads the body chunk by chunk, checks every
   * value, encodes, and commits codes and manifest in one rename. Nothing is kept on failure.
   *
   * @param rows rows of a raw body (required for RAW, ignored otherwise)
   * @param dims dimension of a raw body (optional; must match the dataset)
   * @param keepFloats also store the float rows (4d bytes per item) for quality reports
   */
  public SnapshotManifest addSnapshot(String id, Format format, InputStream body, long length,
      Long rows, Integer dims, boolean keepFloats) throws IOException {
    Dataset d = require(id);
    DatasetManifest m = d.manifest();
    long limit = format == Format.JSON ? props.uploads().maxSmallBytes().toBytes() : props.uploads().maxBytes().toBytes();
    if (length > limit) {
      throw LimitedInputStream.tooLarge(limit);
    }
    if (format == Format.RAW) {
      if (rows == null) {
        throw ServiceException.invalid("invalid-request", "a raw float32 body needs the query parameter rows (and optionally dims)");
      }
      if (rows < 2) {
        throw new InvalidInputException("a snapshot needs at least 2 rows, got rows=" + rows);
      }
      if (dims != null && dims != m.dims()) {
        throw dimensionMismatch(dims, m.dims());
      }
      if (length >= 0 && length != rows * m.dims() * 4L) {
        throw new InvalidInputException("the body has " + length + " bytes; rows x dims x 4 = " + rows + " x "
            + m.dims() + " x 4 = " + rows * m.dims() * 4L);
      }
    }
    if (!uploads.tryAcquire()) {
      throw ServiceException.busy("too-many-uploads", "already " + props.uploads().maxConcurrent()
          + " uploads in progress; retry shortly", props.jobs().retryAfter());
    }
    long t0 = System.nanoTime();
    Path staging = null;
    try {
      LimitedInputStream in = new LimitedInputStream(body, limit);
      RowSource src = switch (format) {
        case NPY -> RowSource.npy(in);
        case RAW -> RowSource.raw(in, rows, m.dims());
        case JSON -> RowSource.json(in, json, m.dims());
      };
      if (src.cols() >= 0 && src.cols() != m.dims()) {
        throw dimensionMismatch(src.cols(), m.dims());
      }
      if (src.rows() >= 0) {
        if (src.rows() < 2) {
          throw new InvalidInputException("a snapshot needs at least 2 rows, got " + src.rows());
        }
        checkRows(d, src.rows());
        if (src.rows() > Integer.MAX_VALUE / Math.max(1, m.bits() / 8)) {
          throw new InvalidInputException("too many rows for one snapshot: " + src.rows());
        }
      }
      staging = store.newStaging("upload-");
      Encoder.Options opts = new Encoder.Options(m.bits(), m.seed(), m.center(), m.normalize(), props.threads(),
          props.uploads().encoderMemory().toBytes(), store.spillDir());
      Encoder enc = d.encoder(opts);
      int chunkRows = Math.max(1, Math.min(8192, CHUNK_FLOATS / m.dims()));
      float[] chunk = new float[chunkRows * m.dims()];
      long done = 0;
      Encoder.Encoded encoded;
      try (FloatSink floats = keepFloats ? new FloatSink(staging.resolve("floats.f32")) : null;
          Encoder.Session session = enc.begin(Progress.NONE)) {
        int n;
        while ((n = src.next(chunk, chunkRows)) > 0) {
          if (done == 0 && src.cols() != m.dims()) {
            throw dimensionMismatch(src.cols(), m.dims());
          }
          checkFinite(chunk, n, m.dims(), done);
          if (floats != null) {
            floats.write(chunk, n * m.dims());
          }
          session.add(chunk, n);
          done += n;
        }
        if (done < 2) {
          throw new InvalidInputException("a snapshot needs at least 2 rows, got " + done);
        }
        encoded = session.finish();
        if (floats != null) {
          floats.sync();
        }
      }
      PackedCodes codes = encoded.codes();
      Npy.writeUint8(staging.resolve("codes.npy"), codes.toBytes(), codes.n(), m.bits() / 8);
      long storedBytes = DataStore.sizeOf(staging);
      SnapshotManifest s;
      synchronized (d) {
        live(d);
        checkRows(d, done);
        s = new SnapshotManifest(Ids.next("sn"), id, d.nextSeq(), codes.n(), m.dims(), m.bits(), keepFloats,
            src.format(), src.dtype(), in.count(), storedBytes, (System.nanoTime() - t0) / 1e9, Instant.now());
        store.writeJson(staging.resolve("snapshot.json"), s);
        store.commit(staging, d.snapshotDir(s.id()));
        staging = null;
        d.addSnapshot(s);
      }
      uploadBytes.increment(in.count());
      uploadRows.increment(done);
      log.info("dataset {}: snapshot {} (#{}) stored: N={} from {} bytes of {} in {}s ({} MB/s), {} bytes spilled",
          id, s.id(), s.seq(), s.items(), s.bytesReceived(), s.format(), String.format("%.2f", s.encodeSeconds()),
          String.format("%.1f", s.bytesReceived() / 1e6 / Math.max(1e-9, s.encodeSeconds())), encoded.spilledBytes());
      return s;
    } finally {
      DataStore.deleteQuietly(staging);
      uploads.release();
    }
  }

  private static void checkRows(Dataset d, long rows) {
    int n = d.items();
    if (n >= 0 && rows != n) {
      throw new InvalidInputException("the snapshot has " + rows + " rows but the dataset has N = " + n
          + " items (set by its labels, split or first snapshot)");
    }
  }

  private static InvalidInputException dimensionMismatch(int got, int want) {
    return new InvalidInputException("the embeddings have dimension " + got + ", the dataset's dimension is " + want);
  }

  private static void checkFinite(float[] x, int n, int dims, long firstRow) {
    int len = n * dims;
    for (int i = 0; i < len; i++) {
      if (!Float.isFinite(x[i])) {
        long row = firstRow + i / dims;
        int col = i % dims;
        throw ServiceException.invalid("non-finite",
            "row " + row + " contains " + (Float.isNaN(x[i]) ? "NaN" : "an infinite value") + " (column " + col + ")",
            Map.of("row", row, "column", col));
      }
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

  /** Writes float rows as raw little-endian float32 and flushes them to disk at the end. */
  private static final class FloatSink implements AutoCloseable {
    private final FileChannel ch;
    private final OutputStream out;
    private ByteBuffer buf = ByteBuffer.allocate(0);

    FloatSink(Path file) throws IOException {
      ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
    }

    void write(float[] x, int count) throws IOException {
      if (buf.capacity() < count * 4) {
        buf = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
      }
      buf.clear();
      buf.asFloatBuffer().put(x, 0, count);
      out.write(buf.array(), 0, count * 4);
    }

    void sync() throws IOException {
      out.flush();
      ch.force(true);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
