package dev.neghash.engine;

import dev.neghash.engine.io.FloatRows;
import dev.neghash.engine.kernel.KernelProvider;
import dev.neghash.engine.kernel.KernelProviders;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import dev.neghash.engine.mining.BatchBuilder;
import dev.neghash.engine.mining.BatchHardness;
import dev.neghash.engine.mining.BatchOptions;
import dev.neghash.engine.mining.Batches;
import dev.neghash.engine.mining.ClassBatchBuilder;
import dev.neghash.engine.mining.HardPositives;
import dev.neghash.engine.mining.MiningOptions;
import dev.neghash.engine.mining.NegativeMiner;
import dev.neghash.engine.mining.Negatives;
import dev.neghash.engine.mining.QualityEvaluator;
import dev.neghash.engine.mining.QualityReport;
import dev.neghash.engine.search.ExactCosineSearch;
import dev.neghash.engine.search.Exclusions;
import dev.neghash.engine.search.HammingSearch;
import dev.neghash.engine.search.NeighbourSink;
import dev.neghash.engine.search.Neighbours;
import dev.neghash.engine.search.SearchOptions;
import dev.neghash.engine.util.Parallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * NegHash as a library: the whole method of Deuser et al., "Locality-Sensitive Hashing for
 * Efficient Hard Negative Sampling in Contrastive Learning" (arXiv:2505.17844), behind one object.
 *
 * <pre>{@code
 * NegHash neghash = NegHash.builder().bits(512).seed(42).build();
 * PackedCodes codes = neghash.encode(embeddings, n, d);               // 64 bytes per item
 * Neighbours nb = neghash.search(codes, SearchOptions.k(128).labels(labels));
 * Negatives negatives = neghash.negatives(nb, MiningOptions.top(8));
 * }</pre>
 *
 * <p>An instance holds the encoding settings (code length, seed, centring, normalisation) and the
 * execution settings (threads, kernel provider); it is immutable and thread-safe. Everything it
 * returns is identical for any thread count and kernel provider. Searches work in the item ids of
 * one set: {@link SearchOptions} names anchors and candidates as subsets of it (query/reference
 * data is one set with two subsets), its labels, and positive pairs that are never negatives.
 *
 * <p>About 340 lines, most of them documentation: this is the library's one front door, so every
 * step of the method has its entry point here, each delegating to the class that does the work.
 */
public final class NegHash {

  private final Encoder.Options encoding;
  private final int threads;
  private final KernelProvider kernels;

  private NegHash(Builder b) {
    this.encoding = new Encoder.Options(b.bits, b.seed, b.center, b.normalize, b.threads, b.encoderMemoryBytes,
        b.spillDir);
    this.threads = b.threads;
    this.kernels = b.kernels != null ? b.kernels : KernelProviders.get();
  }

  /** A builder starting from {@link Defaults}. */
  public static Builder builder() {
    return new Builder();
  }

  /** An instance with every setting at its default. */
  public static NegHash withDefaults() {
    return builder().build();
  }

  /** The encoding settings. */
  public Encoder.Options encoding() {
    return encoding;
  }

  /** Worker threads as configured (0: all cores). */
  public int threads() {
    return threads;
  }

  /** Worker threads this instance really uses. */
  public int threadCount() {
    return Parallel.resolve(threads);
  }

  /** The kernel provider in use. */
  public KernelProvider kernels() {
    return kernels;
  }

  /**
   * Encodes a whole matrix ({@code n x d} floats, row-major) into packed codes.
   *
   * @throws InvalidInputException if a value is NaN or infinite (naming row and column)
   */
  public PackedCodes encode(float[] rows, int n, int d) {
    return encoder(d).encode(rows, n).codes();
  }

  /** An encoder for {@code d}-dimensional rows, for input that arrives in chunks ({@link Encoder#begin}). */
  public Encoder encoder(int d) {
    return new Encoder(d, encoding, kernels);
  }

  /**
   * The k nearest admissible neighbours by Hamming distance, exactly, over all pairs of the
   * anchors and candidates {@code options} names; neighbour ids are item ids, ties go to the
   * smaller id.
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   */
  public Neighbours search(PackedCodes codes, SearchOptions options) {
    return HammingSearch.search(codes, options, threads, kernels);
  }

  /**
   * The lists {@link #search(PackedCodes, SearchOptions)} returns, handed to {@code sink} in blocks
   * of {@code blockRows} anchors, in order, for searches whose lists do not fit in memory at once:
   * beyond the codes, the search holds O(blockRows x k) of results.
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   * @throws IOException if the sink fails
   */
  public void search(PackedCodes codes, SearchOptions options, int blockRows, NeighbourSink sink) throws IOException {
    HammingSearch.search(codes, options, threads, kernels, blockRows, sink);
  }

  /**
   * The k nearest admissible neighbours by exact cosine similarity: the baseline LSH replaces and
   * the oracle of quality reports. With normalisation on (the default) {@code rows} ({@code n x d})
   * are scaled to unit length in a copy; with it off they are used as they are (give unit rows).
   *
   * @throws InvalidInputException if k or an id is out of range, or labels do not match
   */
  public Neighbours exactSearch(float[] rows, int d, SearchOptions options) {
    float[] unit = encoding.normalize() ? ExactCosineSearch.normalized(rows, rows.length / d, d) : rows;
    return ExactCosineSearch.search(unit, d, options, threads, kernels);
  }

  /** Hard negatives from neighbour lists: the nearest, or a seeded choice in a rank window, under an optional cosine ceiling. */
  public Negatives negatives(Neighbours neighbours, MiningOptions options) {
    return NegativeMiner.mine(neighbours, options);
  }

  /**
   * Negatives of a block of lists that {@link #search(PackedCodes, SearchOptions, int,
   * NeighbourSink)} handed over: its row 0 is anchor row {@code firstRow}; the rows are those that
   * mining the whole search gives.
   */
  public Negatives negatives(Neighbours block, MiningOptions options, int firstRow) {
    return NegativeMiner.mine(block, options, firstRow);
  }

  /**
   * Each anchor's hard positive: the candidate with its label farthest in Hamming distance (-1
   * when none), as an item id; anchors and candidates as in {@code options}, whose labels are
   * required.
   */
  public HardPositives hardPositives(PackedCodes codes, SearchOptions options) {
    int[] labels = options.labels();
    if (labels == null) {
      throw new InvalidInputException("hard positives need labels");
    }
    if (labels.length != codes.n()) {
      throw new InvalidInputException("labels (" + labels.length + ") do not match the items (" + codes.n() + ")");
    }
    int[] a = options.anchors();
    int[] c = options.candidates();
    HardPositives hp = HardPositives.find(codes.gather(a), pick(labels, a), codes.gather(c), pick(labels, c),
        a == null && c == null, threads);
    if (c == null) {
      return hp;
    }
    int[] ids = hp.ids().clone();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ids[i] < 0 ? -1 : c[ids[i]];
    }
    return new HardPositives(ids, hp.hamming());
  }

  /**
   * The next epoch's batches from neighbour lists over all items (labels per item, or null): no
   * label twice in a batch, or P x K batches when {@code options} set itemsPerLabel (groups are
   * then topped up with random items of their label instead of hard positives).
   *
   * @throws InvalidInputException when the labels cannot fill one batch, naming why
   */
  public Batches batches(Neighbours neighbours, int[] labels, BatchOptions options) {
    return batches(neighbours, labels, null, options);
  }

  /**
   * As {@link #batches(Neighbours, int[], BatchOptions)}, with the items' codes: P x K batches then
   * top up each group with its opener's hard positives (farthest same-label items by Hamming
   * distance).
   *
   * @param codes codes of the items the neighbour lists index, or null
   * @throws InvalidInputException when the labels cannot fill one batch, naming why
   */
  public Batches batches(Neighbours neighbours, int[] labels, PackedCodes codes, BatchOptions options) {
    return options.perLabel()
        ? ClassBatchBuilder.build(neighbours, labels, codes, options)
        : BatchBuilder.build(neighbours, labels, options);
  }

  /**
   * How hard {@code batches} are on {@code rows} ({@code n x d} floats): the mean over batch items
   * of the highest cosine to another label's item in the same batch, and the same for seeded random
   * batches of the same shape.
   */
  public BatchHardness batchHardness(Batches batches, int[] labels, float[] rows, int d, long seed) {
    return BatchHardness.measure(batches, labels, rows, d, seed, threads);
  }

  /**
   * Overlap@k and mean positional distance of {@code lsh} against exact cosine order, on a seeded
   * sample of its anchors, streaming the {@code n x d} float {@code rows} once (memory is
   * O(sample x (d + k))); rows are scaled to unit length as they are read unless normalisation is
   * off.
   *
   * @param lsh lists computed with {@code options} (anchors may be a subset; candidates all items)
   * @param sample anchors sampled (all when at least the number of anchors)
   * @param sampleSeed seed of the sample
   * @throws IOException if reading rows fails
   */
  public QualityReport quality(Neighbours lsh, FloatRows rows, int n, int d, SearchOptions options, int sample,
      long sampleSeed) throws IOException {
    if (options.candidates() != null) {
      throw new InvalidInputException("a quality report compares against all items; candidates must be all items");
    }
    int[] lshRows = qualityRows(lsh.n(), sample, sampleSeed);
    return quality(lsh.rows(lshRows), lshRows, rows, n, d, options);
  }

  /**
   * The anchor rows (ascending) a quality report over {@code anchors} rows samples: the rows whose
   * lists {@link #quality(Neighbours, int[], FloatRows, int, int, SearchOptions)} needs when the
   * search is streamed.
   */
  public int[] qualityRows(int anchors, int sample, long sampleSeed) {
    return QualityReport.sampleAnchors(anchors, sample, sampleSeed);
  }

  /**
   * As {@link #quality(Neighbours, FloatRows, int, int, SearchOptions, int, long)}, from the lists
   * of the sampled rows alone: row {@code i} of {@code sampled} holds the list of anchor row {@code
   * sampledRows[i]} (from {@link #qualityRows}).
   *
   * @throws IOException if reading rows fails
   */
  public QualityReport quality(Neighbours sampled, int[] sampledRows, FloatRows rows, int n, int d,
      SearchOptions options) throws IOException {
    if (options.candidates() != null) {
      throw new InvalidInputException("a quality report compares against all items; candidates must be all items");
    }
    if (sampled.n() != sampledRows.length) {
      throw new IllegalArgumentException("sampled lists and rows differ in count");
    }
    int[] anchors = options.anchors() == null ? sampledRows : pick(options.anchors(), sampledRows);
    int[] identity = new int[sampledRows.length];
    Arrays.setAll(identity, i -> i);
    return new QualityEvaluator(rows, n, d, encoding.normalize(), threads, kernels)
        .report(sampled, identity, anchors, Exclusions.ofItems(n, options.labels(), options.positivePairs()),
            options.progress());
  }

  private static int[] pick(int[] values, int[] ids) {
    if (ids == null) {
      return values;
    }
    int[] r = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      r[i] = values[ids[i]];
    }
    return r;
  }

  /** Settings of a {@link NegHash}; every one starts at its {@link Defaults} value. */
  public static final class Builder {
    private int bits = Defaults.BITS;
    private long seed = Defaults.SEED;
    private boolean center = Defaults.CENTER;
    private boolean normalize = Defaults.NORMALIZE;
    private int threads = Defaults.THREADS;
    private long encoderMemoryBytes = Defaults.ENCODER_MEMORY_BYTES;
    private Path spillDir;
    private KernelProvider kernels;

    private Builder() {}

    /** Code length b: a multiple of 64 from 64 to 4096. */
    public Builder bits(int b) {
      PackedCodes.checkBits(b);
      this.bits = b;
      return this;
    }

    /** Seed of the random hyperplanes. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Centre projections on the per-bit mean (default on). */
    public Builder center(boolean c) {
      this.center = c;
      return this;
    }

    /** Scale rows to unit length before projecting (default on). */
    public Builder normalize(boolean n) {
      this.normalize = n;
      return this;
    }

    /** Worker threads, 0 for all cores. */
    public Builder threads(int t) {
      if (t < 0) {
        throw new IllegalArgumentException("threads must be >= 0");
      }
      this.threads = t;
      return this;
    }

    /** Projections an encoding keeps in memory before spilling to {@code dir} (null: the system's temporary folder). */
    public Builder encoderMemory(long bytes, Path dir) {
      this.encoderMemoryBytes = bytes;
      this.spillDir = dir;
      return this;
    }

    /** The kernel provider (default: the one {@link KernelProviders#get()} chose). */
    public Builder kernels(KernelProvider k) {
      this.kernels = Objects.requireNonNull(k);
      return this;
    }

    /** The instance. */
    public NegHash build() {
      return new NegHash(this);
    }
  }
}
