package dev.neghash.api.dataset;

import dev.neghash.api.dataset.DatasetService.Format;
import dev.neghash.engine.NegHash;
import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.Ids;
import dev.neghash.api.storage.LimitedInputStream;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.Npy;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Snapshot uploads: a body is streamed chunk by chunk, every value checked, encoded with the
 * dataset's settings through the engine, and only the packed codes are stored (plus the floats
 * when the client asks to keep them for quality reports); codes and manifest appear in one
 * rename, and nothing is kept on failure. At most {@code max-concurrent} uploads encode at once.
 */
@Service
public class SnapshotUploads {

  private static final Logger log = LoggerFactory.getLogger(SnapshotUploads.class);

  /** Floats per read chunk (16 MiB): large enough to keep every core busy, small next to the heap. */
  private static final int CHUNK_FLOATS = 4 << 20;

  private final NeghashProperties props;
  private final DataStore store;
  private final JsonMapper json;
  private final DatasetService datasets;
  private final Semaphore uploads;
  private final Counter uploadBytes;
  private final Counter uploadRows;

  SnapshotUploads(NeghashProperties props, DataStore store, JsonMapper json, DatasetService datasets,
      ObjectProvider<MeterRegistry> meters) {
    this.props = props;
    this.store = store;
    this.json = json;
    this.datasets = datasets;
    this.uploads = new Semaphore(props.uploads().maxConcurrent());
    MeterRegistry reg = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.uploadBytes = Counter.builder("neghash.upload.bytes").baseUnit("bytes")
        .description("Embedding bytes accepted and encoded").register(reg);
    this.uploadRows = Counter.builder("neghash.upload.rows")
        .description("Embedding rows accepted and encoded").register(reg);
    Gauge.builder("neghash.uploads.active", uploads, x -> props.uploads().maxConcurrent() - x.availablePermits())
        .description("Uploads being encoded now").register(reg);
  }


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
    Dataset d = datasets.require(id);
    DatasetManifest m = d.manifest();
    long limit = format == Format.JSON ? props.uploads().maxSmallBytes().toBytes() : props.uploads().maxBytes().toBytes();
    LimitedInputStream in = LimitedInputStream.of(body, length, limit);
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
      Encoder enc = d.encoder(() -> NegHash.builder().bits(m.bits()).seed(m.seed()).center(m.center())
          .normalize(m.normalize()).threads(props.threads())
          .encoderMemory(props.uploads().encoderMemory().toBytes(), store.spillDir()).build());
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
        DatasetService.live(d);
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
