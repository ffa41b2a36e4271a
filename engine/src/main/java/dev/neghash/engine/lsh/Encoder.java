package dev.neghash.engine.lsh;

import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.util.Parallel;
import dev.neghash.engine.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes a snapshot of embeddings into packed codes (steps 2 and 3 of the method): optional L2
 * normalisation, projection onto {@link Projection}'s hyperplanes, centring on the exact per-bit
 * mean over the whole snapshot, sign binarisation.
 *
 * <p>Input streams in as row chunks ({@link Session#add}); the float input is never held whole.
 * Because the mean is only known at the end, the projections ({@code bits} floats per row) are
 * kept until {@link Session#finish()}: in memory up to {@link Options#memoryBudgetBytes()}, then in
 * a temporary file that is deleted on finish or close. Without centring nothing is kept but the
 * codes. Results are identical for any thread count and chunking: rows are projected
 * independently and the per-bit sums are exact ({@link BitSums}), so a distributed encoding that
 * projects rows with {@link #project}, merges partial {@link BitSums} and binarises with {@link
 * #binarize} gives the same codes.
 *
 * <p>About 380 lines: the streaming session, its spill file and the per-bit sums share state
 * that would only be passed around if split.
 */
public final class Encoder {

  /**
   * Encoding settings.
   *
   * @param bits code length, a multiple of 64 in [64, 4096]
   * @param seed seed of the projection
   * @param center centre on the per-bit mean (the paper's default); off gives plain SimHash signs
   * @param normalize scale every row to unit L2 norm before projecting (zero rows stay zero)
   * @param threads worker threads, 0 for all cores
   * @param memoryBudgetBytes projections kept in memory before spilling to disk
   * @param spillDir where spill files go; null for the system temporary directory
   */
  public record Options(
      int bits,
      long seed,
      boolean center,
      boolean normalize,
      int threads,
      long memoryBudgetBytes,
      Path spillDir) {

    /** Default budget for in-memory projections: 512 MiB. */
    public static final long DEFAULT_MEMORY_BUDGET = 512L << 20;

    /** Validates the settings. */
    public Options {
      PackedCodes.checkBits(bits);
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0");
      }
      if (memoryBudgetBytes < 0) {
        throw new IllegalArgumentException("memoryBudgetBytes must be >= 0");
      }
    }

    /** Defaults: centring and normalisation on, all cores, 512 MiB in memory. */
    public static Options of(int bits, long seed) {
      return new Options(bits, seed, true, true, 0, DEFAULT_MEMORY_BUDGET, null);
    }

    /** This with centring set. */
    public Options withCenter(boolean c) {
      return new Options(bits, seed, c, normalize, threads, memoryBudgetBytes, spillDir);
    }

    /** This with normalisation set. */
    public Options withNormalize(boolean n) {
      return new Options(bits, seed, center, n, threads, memoryBudgetBytes, spillDir);
    }

    /** This with the thread count set. */
    public Options withThreads(int t) {
      return new Options(bits, seed, center, normalize, t, memoryBudgetBytes, spillDir);
    }

    /** This with the spill settings set. */
    public Options withSpill(long budgetBytes, Path dir) {
      return new Options(bits, seed, center, normalize, threads, budgetBytes, dir);
    }
  }

  /**
   * The outcome of encoding.
   *
   * @param codes the packed codes
   * @param mean the per-bit centre that was subtracted (zeros without centring)
   * @param projectSeconds wall time spent normalising and projecting
   * @param binarizeSeconds wall time spent centring and binarising (after the last row)
   * @param spilledBytes projection bytes that went to disk
   */
  public record Encoded(
      PackedCodes codes,
      float[] mean,
      double projectSeconds,
      double binarizeSeconds,
      long spilledBytes) {}

  private static final int ROWS_PER_TASK = 256;

  private final int dims;
  private final Options options;
  private final Projection projection;
  private final KernelProvider kernels;

  /** An encoder for {@code dims}-dimensional rows, using the kernel provider in use. */
  public Encoder(int dims, Options options) {
    this(dims, options, KernelProviders.get());
  }

  /** An encoder with an explicit kernel provider. */
  public Encoder(int dims, Options options, KernelProvider kernels) {
    this.options = Objects.requireNonNull(options);
    this.projection = Projection.create(dims, options.bits(), options.seed());
    this.dims = dims;
    this.kernels = Objects.requireNonNull(kernels);
  }

  /** Input dimension. */
  public int dims() {
    return dims;
  }

  /** The settings. */
  public Options options() {
    return options;
  }

  /** The hyperplanes. */
  public Projection projection() {
    return projection;
  }

  /** Encodes a whole in-memory matrix ({@code n x dims}, row-major) in one call. */
  public Encoded encode(float[] rows, int n) {
    try (Session s = begin(Progress.NONE)) {
      s.add(rows, n);
      return s.finish();
    }
  }

  /**
   * Normalises (when the options say so) and projects {@code n} rows ({@code n x dims}, row-major,
   * finite values; not modified): {@code n x bits} floats, each row exactly as a whole-snapshot
   * encoding computes it.
   */
  public float[] project(float[] rows, int n) {
    float[] x = Arrays.copyOf(rows, n * dims);
    if (options.normalize()) {
      normalizeRows(x, n, dims);
    }
    float[] z = new float[n * options.bits()];
    kernels.project(x, n, dims, projection.transposed(), options.bits(), z);
    return z;
  }

  /**
   * Binarises {@code n} projected rows ({@link #project}) on a given per-bit centre (zeros for
   * uncentred codes): {@code n * bits / 64} words in the layout of {@link PackedCodes}.
   */
  public long[] binarize(float[] z, int n, float[] mean) {
    int bits = options.bits();
    if (mean.length != bits || (long) n * bits > z.length) {
      throw new IllegalArgumentException("mean must have " + bits + " values and z " + n + " rows");
    }
    long[] codes = new long[n * (bits / 64)];
    kernels.binarize(z, n, bits, mean, codes, 0);
    return codes;
  }

  /** Starts streaming encoding of one snapshot. */
  public Session begin(Progress progress) {
    return new Session(progress);
  }

  /** One snapshot being encoded; not thread-safe (feed it from one thread). */
  public final class Session implements AutoCloseable {
    private final Progress progress;
    private final int bits = options.bits();
    private final BitSums sums = new BitSums(bits);
    private final List<float[]> memory = new ArrayList<>();
    private final List<Integer> chunkRows = new ArrayList<>();
    private long memoryBytes;
    private Path spillFile;
    private FileChannel spill;
    private long spilledBytes;
    private long rows;
    private long nanosProject;
    private boolean done;
    // Without centring, codes are made at once and only they are kept.
    private final List<long[]> directCodes = new ArrayList<>();

    private Session(Progress progress) {
      this.progress = progress;
    }

    /** Rows accepted so far. */
    public long rows() {
      return rows;
    }

    /**
     * Adds {@code n} rows ({@code n * dims} floats, row-major, from the start of {@code chunk}).
     *
     * @throws InvalidInputException if a value is NaN or infinite (naming the row, counted from
     *     the start of the snapshot); the session is then unusable
     */
    public void add(float[] chunk, int n) {
      if (done) {
        throw new IllegalStateException("session finished");
      }
      if ((long) n * dims > chunk.length) {
        throw new IllegalArgumentException("chunk holds fewer than " + n + " rows");
      }
      long t0 = System.nanoTime();
      int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
      float[][] out = new float[tasks][];
      // Each worker checks, normalises and projects whole tasks and sums its own rows' bits; the
      // sums are exact, so merging the workers' parts gives the same mean in any order.
      int workers = Math.min(Parallel.resolve(options.threads()), tasks);
      BitSums[] parts = new BitSums[workers];
      AtomicInteger nextTask = new AtomicInteger();
      AtomicLong firstBad = new AtomicLong(Long.MAX_VALUE);
      Parallel.forRange(workers, workers, 1, (w0, w1) -> {
        BitSums part = options.center() ? new BitSums(bits) : null;
        int t;
        while ((t = nextTask.getAndIncrement()) < tasks) {
          progress.checkCancelled();
          int r0 = t * ROWS_PER_TASK;
          int m = Math.min(ROWS_PER_TASK, n - r0);
          long bad = firstNonFinite(chunk, r0 * dims, m * dims);
          if (bad >= 0) {
            firstBad.accumulateAndGet(r0 * (long) dims + bad, Math::min);
            continue;
          }
          float[] x = Arrays.copyOfRange(chunk, r0 * dims, (r0 + m) * dims);
          if (options.normalize()) {
            normalizeRows(x, m, dims);
          }
          float[] z = new float[m * bits];
          kernels.project(x, m, dims, projection.transposed(), bits, z);
          if (part != null) {
            part.add(z, m);
          }
          out[t] = z;
        }
        parts[w0] = part;
      });
      long bad = firstBad.get();
      if (bad != Long.MAX_VALUE) {
        done = true;
        close();
        int r = (int) (bad / dims);
        int i = (int) (bad % dims);
        throw new InvalidInputException(
            "row " + (rows + r) + " contains " + (Float.isNaN(chunk[(int) bad]) ? "NaN" : "an infinite value")
                + " (column " + i + ")");
      }
      for (BitSums part : parts) {
        if (part != null) {
          sums.merge(part);
        }
      }
      for (int t = 0; t < tasks; t++) {
        float[] z = out[t];
        int m = z.length / bits;
        if (options.center()) {
          keep(z, m);
        } else {
          long[] codes = new long[m * (bits / 64)];
          kernels.binarize(z, m, bits, new float[bits], codes, 0);
          directCodes.add(codes);
        }
      }
      rows += n;
      nanosProject += System.nanoTime() - t0;
      progress.advance(n);
    }

    private void keep(float[] z, int m) {
      chunkRows.add(m);
      long bytes = (long) z.length * 4;
      if (spill == null && memoryBytes + bytes <= options.memoryBudgetBytes()) {
        memory.add(z);
        memoryBytes += bytes;
        return;
      }
      try {
        if (spill == null) {
          Path dir = options.spillDir() != null ? options.spillDir() : Path.of(System.getProperty("java.io.tmpdir"));
          Files.createDirectories(dir);
          spillFile = Files.createTempFile(dir, "neghash-projections-", ".f32");
          spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        ByteBuffer buf = ByteBuffer.allocate(z.length * 4).order(ByteOrder.nativeOrder());
        buf.asFloatBuffer().put(z);
        while (buf.hasRemaining()) {
          spill.write(buf);
        }
        spilledBytes += bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot spill projections to disk", e);
      }
    }

    /** Computes the mean, binarises everything and returns the codes. */
    public Encoded finish() {
      if (done) {
        throw new IllegalStateException("session finished");
      }
      if (rows > Integer.MAX_VALUE / Math.max(1, bits / 64)) {
        throw new InvalidInputException("too many rows for one snapshot: " + rows);
      }
      done = true;
      long t0 = System.nanoTime();
      int n = (int) rows;
      int words = bits / 64;
      long[] codes = new long[n * words];
      float[] mean = new float[bits];
      try {
        if (!options.center()) {
          int off = 0;
          for (long[] c : directCodes) {
            System.arraycopy(c, 0, codes, off, c.length);
            off += c.length;
          }
        } else {
          System.arraycopy(sums.mean(), 0, mean, 0, bits);
          binarizeKept(codes, mean);
        }
      } finally {
        close();
      }
      return new Encoded(
          new PackedCodes(codes, n, bits), mean,
          nanosProject / 1e9, (System.nanoTime() - t0) / 1e9, spilledBytes);
    }

    private void binarizeKept(long[] codes, float[] mean) {
      int words = bits / 64;
      int chunks = chunkRows.size();
      int[] rowOffset = new int[chunks + 1];
      for (int c = 0; c < chunks; c++) {
        rowOffset[c + 1] = rowOffset[c] + chunkRows.get(c);
      }
      int inMemory = memory.size();
      Parallel.forRange(options.threads(), inMemory, 1, (from, to) -> {
        for (int c = from; c < to; c++) {
          float[] z = memory.get(c);
          kernels.binarize(z, chunkRows.get(c), bits, mean, codes, rowOffset[c] * words);
        }
      });
      if (spill == null) {
        return;
      }
      try {
        long pos = 0;
        for (int c = inMemory; c < chunks; c++) {
          progress.checkCancelled();
          int m = chunkRows.get(c);
          ByteBuffer buf = ByteBuffer.allocate(m * bits * 4).order(ByteOrder.nativeOrder());
          while (buf.hasRemaining()) {
            if (spill.read(buf, pos + buf.position()) < 0) {
              throw new IOException("spill file truncated");
            }
          }
          buf.flip();
          float[] z = new float[m * bits];
          buf.asFloatBuffer().get(z);
          pos += (long) m * bits * 4;
          kernels.binarize(z, m, bits, mean, codes, rowOffset[c] * words);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read spilled projections", e);
      }
    }

    /** Releases memory and deletes the spill file; safe to call more than once. */
    @Override
    public void close() {
      memory.clear();
      directCodes.clear();
      if (spill != null) {
        try {
          spill.close();
          Files.deleteIfExists(spillFile);
        } catch (IOException e) {
          // best effort: the file lives in a temporary directory
        }
        spill = null;
      }
    }
  }

  /** Index of the first NaN or infinite value in {@code x[from, from + len)}, relative to {@code from}; -1 if none. */
  private static long firstNonFinite(float[] x, int from, int len) {
    for (int i = 0; i < len; i++) {
      if (!Float.isFinite(x[from + i])) {
        return i;
      }
    }
    return -1;
  }

  /** Scales every row of {@code x} ({@code n x d}) to unit L2 norm in place; zero rows stay zero. */
  public static void normalizeRows(float[] x, int n, int d) {
    for (int r = 0; r < n; r++) {
      int o = r * d;
      double s = 0;
      for (int i = 0; i < d; i++) {
        s += (double) x[o + i] * x[o + i];
      }
      if (s > 0) {
        float inv = (float) (1.0 / Math.sqrt(s));
        for (int i = 0; i < d; i++) {
          x[o + i] *= inv;
        }
      }
    }
  }
}
